package entrasim

// catalog holds the entity types the simulator serves, with their members in Graph's
// order and the $filter each takes. It is built once per Server and never changed.
type catalog struct {
	app, sp, grant, assign, user, spActivity, credActivity, audit *resource
}

// newCatalog describes the entity types.
func newCatalog() *catalog {
	eq := func(props ...string) map[string]string {
		m := make(map[string]string, len(props))
		for _, p := range props {
			m[p] = "eq"
		}
		return m
	}
	return &catalog{
		app: &resource{typeName: "application", set: "applications",
			fields: []string{"id", "deletedDateTime", "appId", "createdDateTime", "description", "displayName",
				"publisherDomain", "signInAudience", "tags", "verifiedPublisher", "requiredResourceAccess",
				"keyCredentials", "passwordCredentials"},
			filters: eq("id", "appId", "displayName")},
		sp: &resource{typeName: "servicePrincipal", set: "servicePrincipals",
			fields: []string{"id", "deletedDateTime", "accountEnabled", "appDisplayName", "appId", "appOwnerOrganizationId",
				"appRoleAssignmentRequired", "description", "displayName", "publisherName", "servicePrincipalNames",
				"servicePrincipalType", "signInAudience", "tags", "appRoles", "keyCredentials", "oauth2PermissionScopes",
				"passwordCredentials", "verifiedPublisher"},
			filters: eq("id", "appId", "displayName", "servicePrincipalType", "accountEnabled", "appOwnerOrganizationId")},
		grant: &resource{typeName: "oAuth2PermissionGrant", set: "oauth2PermissionGrants",
			fields:  []string{"id", "clientId", "consentType", "principalId", "resourceId", "scope"},
			filters: eq("id", "clientId", "consentType", "principalId", "resourceId")},
		assign: &resource{typeName: "appRoleAssignment", set: "appRoleAssignments",
			fields: []string{"id", "deletedDateTime", "appRoleId", "createdDateTime", "principalDisplayName",
				"principalId", "principalType", "resourceDisplayName", "resourceId"}},
		user: &resource{typeName: "user", set: "users",
			fields: []string{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
				"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "accountEnabled"},
			filters: eq("id", "userPrincipalName", "accountEnabled"),
			defaults: selection{"id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
				"officeLocation", "preferredLanguage", "surname", "userPrincipalName"}},
		spActivity: &resource{typeName: "servicePrincipalSignInActivity", set: "reports/servicePrincipalSignInActivities",
			fields: []string{"id", "appId", "delegatedClientSignInActivity", "delegatedResourceSignInActivity",
				"applicationAuthenticationClientSignInActivity", "applicationAuthenticationResourceSignInActivity",
				"lastSignInActivity"},
			filters: eq("appId")},
		credActivity: &resource{typeName: "appCredentialSignInActivity", set: "reports/appCredentialSignInActivities",
			fields: []string{"id", "keyId", "keyType", "keyUsage", "appId", "appObjectId", "servicePrincipalObjectId",
				"resourceId", "credentialOrigin", "createdDateTime", "expirationDateTime", "signInActivity"},
			filters: eq("appId", "keyId", "servicePrincipalObjectId")},
		audit: &resource{typeName: "directoryAudit", set: "auditLogs/directoryAudits",
			fields: []string{"id", "category", "correlationId", "result", "resultReason", "activityDisplayName",
				"activityDateTime", "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails"},
			filters: map[string]string{"activityDateTime": "ge gt le lt", "category": "eq", "activityDisplayName": "eq",
				"loggedByService": "eq", "result": "eq"}},
	}
}
