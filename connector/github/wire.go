package github

import (
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"
)

// The answers decoded by hand: go-github's InstallationPermissions is a struct that drops
// permissions it does not know, and its CredentialAuthorization lacks the OAuth app of a
// token; the GraphQL answer has no go-github type at all.

// orgInstallations is the answer of GET /orgs/{org}/installations.
type orgInstallations struct {
	TotalCount    int            `json:"total_count"`
	Installations []installation `json:"installations"`
}

// account is a user or organization as GitHub nests them.
type account struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

// installation is a GitHub App installation.
type installation struct {
	ID                  int64             `json:"id"`
	ClientID            string            `json:"client_id"`
	AppID               int64             `json:"app_id"`
	AppSlug             string            `json:"app_slug"`
	Account             *account          `json:"account"`
	TargetType          string            `json:"target_type"`
	RepositorySelection string            `json:"repository_selection"`
	Permissions         map[string]string `json:"permissions"`
	Events              []string          `json:"events"`
	CreatedAt           *gh.Timestamp     `json:"created_at"`
	UpdatedAt           *gh.Timestamp     `json:"updated_at"`
	SuspendedAt         *gh.Timestamp     `json:"suspended_at"`
	SuspendedBy         *account          `json:"suspended_by"`
}

// The credential types of a SAML credential authorization, as GitHub names them.
const (
	credPAT   = "personal access token"
	credSSH   = "SSH key"
	credOAuth = "OAuth app token"
)

// credentialAuthorization is one item of GET /orgs/{org}/credential-authorizations.
type credentialAuthorization struct {
	Login                  string        `json:"login"`
	CredentialID           int64         `json:"credential_id"`
	CredentialType         string        `json:"credential_type"`
	TokenLastEight         string        `json:"token_last_eight"`
	AuthorizedAt           *gh.Timestamp `json:"credential_authorized_at"`
	AccessedAt             *gh.Timestamp `json:"credential_accessed_at"`
	Scopes                 []string      `json:"scopes"`
	Fingerprint            string        `json:"fingerprint"`
	AuthorizedCredentialID int64         `json:"authorized_credential_id"`
	Title                  string        `json:"authorized_credential_title"`
	Note                   string        `json:"authorized_credential_note"`
	ExpiresAt              *gh.Timestamp `json:"authorized_credential_expires_at"`
	ApplicationName        string        `json:"application_name"`
	ApplicationClientID    string        `json:"application_client_id"`
}

// samlQuery is the GraphQL query of an organization's SAML identities.
const samlQuery = `query($org: String!, $after: String) { organization(login: $org) { samlIdentityProvider { ` +
	`externalIdentities(first: 100, after: $after) { pageInfo { hasNextPage endCursor } ` +
	`nodes { samlIdentity { nameId } user { login } } } } } }`

// graphqlRequest is the body of a GraphQL request.
type graphqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// samlAnswer is the answer to samlQuery.
type samlAnswer struct {
	Data *struct {
		Organization *struct {
			SAMLIdentityProvider *struct {
				ExternalIdentities struct {
					PageInfo struct {
						HasNextPage bool    `json:"hasNextPage"`
						EndCursor   *string `json:"endCursor"`
					} `json:"pageInfo"`
					Nodes []samlNode `json:"nodes"`
				} `json:"externalIdentities"`
			} `json:"samlIdentityProvider"`
		} `json:"organization"`
	} `json:"data"`
	Errors []struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"errors"`
}

// samlNode is one external identity.
type samlNode struct {
	SAMLIdentity *struct {
		NameID string `json:"nameId"`
	} `json:"samlIdentity"`
	User *struct {
		Login string `json:"login"`
	} `json:"user"`
}

// graphqlPath returns the GraphQL endpoint relative to the REST API URL: "graphql" on
// github.com ("https://api.github.com/graphql"), "../graphql" on GitHub Enterprise Server
// ("https://HOST/api/graphql" beside "https://HOST/api/v3/").
func graphqlPath(apiURL string) string {
	if strings.HasSuffix(apiURL, "/api/v3/") {
		return "../graphql"
	}
	return "graphql"
}

// ts returns the time of a timestamp, zero for none, in UTC.
func ts(t *gh.Timestamp) time.Time {
	if t == nil || t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
