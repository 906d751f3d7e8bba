package entra

// The Graph objects the connector reads, with the members it uses. Members it has no use
// for are not declared, so they are never decoded: in particular the hint and secretText
// of password credentials and the key of key credentials, which are secret material or
// close to it.

// The $select lists of the listings.
const (
	userSelect = "id,userPrincipalName,mail,displayName,accountEnabled"
	spSelect   = "id,appId,displayName,appOwnerOrganizationId,servicePrincipalType,accountEnabled,publisherName," +
		"verifiedPublisher,signInAudience,appRoles,keyCredentials,passwordCredentials"
	appSelect   = "id,appId,displayName,createdDateTime,signInAudience,publisherDomain,verifiedPublisher,passwordCredentials,keyCredentials"
	ownerSelect = "id"
)

// page is one page of a Graph collection. Value is nil when the page has none.
type page[T any] struct {
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
	Value     *[]T   `json:"value"`
}

// removed is the @removed annotation of an object a delta query reports deleted.
type removed struct {
	Reason string `json:"reason"`
}

// verifiedPublisher is the publisher verification of an app.
type verifiedPublisher struct {
	DisplayName         string `json:"displayName"`
	VerifiedPublisherID string `json:"verifiedPublisherId"`
}

// appRole is an application permission a resource service principal publishes.
type appRole struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// passwordCredential is a client secret, without its hint and text.
type passwordCredential struct {
	KeyID               string `json:"keyId"`
	DisplayName         string `json:"displayName"`
	StartDateTime       string `json:"startDateTime"`
	EndDateTime         string `json:"endDateTime"`
	CustomKeyIdentifier string `json:"customKeyIdentifier"`
}

// keyCredential is a certificate or key, without the key.
type keyCredential struct {
	KeyID               string `json:"keyId"`
	DisplayName         string `json:"displayName"`
	Type                string `json:"type"`
	Usage               string `json:"usage"`
	StartDateTime       string `json:"startDateTime"`
	EndDateTime         string `json:"endDateTime"`
	CustomKeyIdentifier string `json:"customKeyIdentifier"`
}

// servicePrincipal is an enterprise application.
type servicePrincipal struct {
	ID                     string               `json:"id"`
	AppID                  string               `json:"appId"`
	DisplayName            string               `json:"displayName"`
	AppOwnerOrganizationID string               `json:"appOwnerOrganizationId"`
	ServicePrincipalType   string               `json:"servicePrincipalType"`
	AccountEnabled         *bool                `json:"accountEnabled"`
	PublisherName          string               `json:"publisherName"`
	VerifiedPublisher      *verifiedPublisher   `json:"verifiedPublisher"`
	SignInAudience         string               `json:"signInAudience"`
	AppRoles               []appRole            `json:"appRoles"`
	KeyCredentials         []keyCredential      `json:"keyCredentials"`
	PasswordCredentials    []passwordCredential `json:"passwordCredentials"`
	Removed                *removed             `json:"@removed"`
}

// application is an app registration of the tenant.
type application struct {
	ID                  string               `json:"id"`
	AppID               string               `json:"appId"`
	DisplayName         string               `json:"displayName"`
	CreatedDateTime     string               `json:"createdDateTime"`
	SignInAudience      string               `json:"signInAudience"`
	PublisherDomain     string               `json:"publisherDomain"`
	VerifiedPublisher   *verifiedPublisher   `json:"verifiedPublisher"`
	PasswordCredentials []passwordCredential `json:"passwordCredentials"`
	KeyCredentials      []keyCredential      `json:"keyCredentials"`
	Removed             *removed             `json:"@removed"`
}

// grant is a delegated permission grant (oAuth2PermissionGrant).
type grant struct {
	ID          string   `json:"id"`
	ClientID    string   `json:"clientId"`
	ConsentType string   `json:"consentType"`
	PrincipalID string   `json:"principalId"`
	ResourceID  string   `json:"resourceId"`
	Scope       *string  `json:"scope"`
	Removed     *removed `json:"@removed"`
}

// assignment is an app role assignment: an application permission a service principal
// holds on a resource.
type assignment struct {
	ID              string `json:"id"`
	AppRoleID       string `json:"appRoleId"`
	CreatedDateTime string `json:"createdDateTime"`
	DeletedDateTime string `json:"deletedDateTime"`
	PrincipalID     string `json:"principalId"`
	PrincipalType   string `json:"principalType"`
	ResourceID      string `json:"resourceId"`
}

// directoryObject is an owner: a user or a service principal.
type directoryObject struct {
	Type string `json:"@odata.type"`
	ID   string `json:"id"`
}

// user is a user of the tenant.
type user struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
	DisplayName       string `json:"displayName"`
	AccountEnabled    *bool  `json:"accountEnabled"`
}

// signInActivity is the last sign-in of one kind.
type signInActivity struct {
	LastSignInDateTime string `json:"lastSignInDateTime"`
}

// spActivity is the sign-in activity of one service principal (beta report).
type spActivity struct {
	AppID                                         string          `json:"appId"`
	DelegatedClientSignInActivity                 *signInActivity `json:"delegatedClientSignInActivity"`
	ApplicationAuthenticationClientSignInActivity *signInActivity `json:"applicationAuthenticationClientSignInActivity"`
}

// keyActivity is the sign-in activity of one credential (beta report).
type keyActivity struct {
	KeyID          string          `json:"keyId"`
	SignInActivity *signInActivity `json:"signInActivity"`
}
