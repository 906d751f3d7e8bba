package entra

import (
	"encoding/base64"
	"time"
)

// The objects of the test tenant.
const (
	msTenant     = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	vendorTenant = "d0000000-0000-4000-8000-000000000099"
	alice        = "a0000000-0000-4000-8000-000000000001"
	bob          = "a0000000-0000-4000-8000-000000000002"
	graphSP      = "b0000000-0000-4000-8000-000000000001"
	graphAppID   = "00000003-0000-0000-c000-000000000000"
	vendorSP     = "b0000000-0000-4000-8000-000000000002"
	vendorAppID  = "c0000000-0000-4000-8000-000000000002"
	lobSP        = "b0000000-0000-4000-8000-000000000003"
	lobAppID     = "c0000000-0000-4000-8000-000000000003"
	psSP         = "b0000000-0000-4000-8000-000000000004"
	psAppID      = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
	miSP         = "b0000000-0000-4000-8000-000000000005"
	miAppID      = "c0000000-0000-4000-8000-000000000005"
	lobApp       = "f0000000-0000-4000-8000-000000000001"
	bareApp      = "f0000000-0000-4000-8000-000000000002"
	bareAppID    = "c0000000-0000-4000-8000-000000000006"
	roleMail     = "e0000000-0000-4000-8000-000000000001"
	roleAppRW    = "e0000000-0000-4000-8000-000000000002"
	roleUnknown  = "e0000000-0000-4000-8000-000000000009"
	keySoon      = "70000000-0000-4000-8000-000000000001"
	keyNever     = "70000000-0000-4000-8000-000000000002"
	keyCert      = "70000000-0000-4000-8000-000000000003"
	keySP        = "70000000-0000-4000-8000-000000000004"
)

// testNow is the time of the test tenant's data.
var testNow = time.Date(2025, 8, 12, 12, 0, 0, 0, time.UTC)

// at formats testNow moved by d days.
func at(days int) string { return testNow.AddDate(0, 0, days).Format(time.RFC3339) }

// thumb is the certificate thumbprint of the test tenant, as bytes.
var thumb = []byte{0x52, 0xe8, 0xa3, 0xa2, 0xf3, 0xd1, 0xc0, 0xb4, 0xa5, 0xe6, 0xf7, 0x08, 0x19, 0x20, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6}

// sp returns a service principal object.
func sp(id, appID, name, owner string, extra obj) obj {
	o := obj{"id": id, "appId": appID, "displayName": name, "appOwnerOrganizationId": owner,
		"servicePrincipalType": "Application", "accountEnabled": true, "signInAudience": "AzureADMultipleOrgs",
		"verifiedPublisher": obj{"displayName": nil, "verifiedPublisherId": nil}, "appRoles": []obj{},
		"keyCredentials": []obj{}, "passwordCredentials": []obj{}}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

// grantObj returns a delegated grant object.
func grantObj(id, client, consent, principal, scope string) obj {
	var p any
	if principal != "" {
		p = principal
	}
	return obj{"id": id, "clientId": client, "consentType": consent, "principalId": p, "resourceId": graphSP, "scope": scope}
}

// populate fills f with the test tenant.
func populate(f *fixture) {
	f.put(cUsers, obj{"id": alice, "userPrincipalName": "alice@example.com", "mail": "alice@example.com",
		"displayName": "Alice Ames", "accountEnabled": true, "userType": "Member"})
	f.put(cUsers, obj{"id": bob, "userPrincipalName": "bob@example.com", "mail": nil, "displayName": "Bob\u202e Bee",
		"accountEnabled": false, "userType": "Member"})
	f.put(cSPs, sp(graphSP, graphAppID, "Microsoft Graph", msTenant, obj{"appRoles": []obj{
		{"id": roleMail, "value": "Mail.Read"}, {"id": roleAppRW, "value": "Application.ReadWrite.All"}}}))
	f.put(cSPs, sp(vendorSP, vendorAppID, "PDF Docs\u202e Sync", vendorTenant, obj{"publisherName": "PDF Docs Inc"}))
	f.put(cSPs, sp(lobSP, lobAppID, "billing-exporter", fixTenant, obj{"signInAudience": "AzureADMyOrg",
		"passwordCredentials": []obj{{"keyId": keySP, "displayName": "sp secret", "hint": "Q~x", "secretText": nil,
			"startDateTime": at(-30), "endDateTime": at(30)}}}))
	f.put(cSPs, sp(psSP, psAppID, "Microsoft Graph Command Line Tools", msTenant,
		obj{"verifiedPublisher": obj{"displayName": "Microsoft Corporation", "verifiedPublisherId": "123"}}))
	f.put(cSPs, sp(miSP, miAppID, "vm-identity", msTenant, obj{"servicePrincipalType": "ManagedIdentity", "accountEnabled": false}))
	f.put(cApps, obj{"id": lobApp, "appId": lobAppID, "displayName": "billing-exporter", "createdDateTime": at(-400),
		"signInAudience": "AzureADMyOrg", "verifiedPublisher": obj{},
		"passwordCredentials": []obj{
			{"keyId": keySoon, "displayName": "ci-secret", "hint": "abc", "startDateTime": at(-300), "endDateTime": at(10)},
			{"keyId": keyNever, "displayName": nil, "hint": "def", "startDateTime": at(-20), "endDateTime": "2299-12-31T00:00:00Z"}},
		"keyCredentials": []obj{{"keyId": keyCert, "displayName": "CN=billing", "type": "AsymmetricX509Cert", "usage": "Verify",
			"customKeyIdentifier": base64.StdEncoding.EncodeToString(thumb), "key": "MIIBIjANBgkq",
			"startDateTime": at(-100), "endDateTime": at(100)}}})
	f.put(cApps, obj{"id": bareApp, "appId": bareAppID, "displayName": "no-creds", "passwordCredentials": []obj{}, "keyCredentials": []obj{}})
	f.put(cGrant, grantObj("grant-v-alice", vendorSP, "Principal", alice, "Mail.Read offline_access"))
	f.put(cGrant, grantObj("grant-v-all", vendorSP, "AllPrincipals", "", "User.Read"))
	f.put(cGrant, grantObj("grant-m-bob", psSP, "Principal", bob, " Directory.AccessAsUser.All User.Read  User.Read"))
	f.owners[lobApp] = []obj{{"@odata.type": "#microsoft.graph.servicePrincipal", "id": lobSP},
		{"@odata.type": "#microsoft.graph.user", "id": alice}}
	f.owners[lobSP] = []obj{}
	f.owners[miSP] = []obj{{"@odata.type": "#microsoft.graph.user", "id": bob}}
	f.assignments[lobSP] = []obj{{"id": "as1", "appRoleId": roleAppRW, "principalType": "ServicePrincipal",
		"principalId": lobSP, "resourceId": graphSP, "createdDateTime": at(-200), "deletedDateTime": nil}}
	f.assignments[miSP] = []obj{
		{"id": "as2", "appRoleId": roleMail, "principalType": "ServicePrincipal", "resourceId": graphSP, "createdDateTime": at(-50)},
		{"id": "as3", "appRoleId": roleUnknown, "principalType": "ServicePrincipal", "resourceId": graphSP, "createdDateTime": at(-60)},
		{"id": "as4", "appRoleId": "00000000-0000-0000-0000-000000000000", "principalType": "ServicePrincipal", "resourceId": lobSP}}
	f.put(cSPUse, obj{"id": "x1", "appId": vendorAppID, "delegatedClientSignInActivity": obj{"lastSignInDateTime": at(-1)},
		"applicationAuthenticationClientSignInActivity": obj{"lastSignInDateTime": nil}})
	f.put(cSPUse, obj{"id": "x2", "appId": lobAppID, "applicationAuthenticationClientSignInActivity": obj{"lastSignInDateTime": at(-2)}})
	f.put(cKeys, obj{"id": "x3", "keyId": keySoon, "signInActivity": obj{"lastSignInDateTime": at(-3)}})
}
