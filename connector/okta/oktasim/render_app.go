package oktasim

type appJSON struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Label       string          `json:"label"`
	Status      string          `json:"status"`
	Created     string          `json:"created"`
	LastUpdated string          `json:"lastUpdated"`
	SignOnMode  string          `json:"signOnMode"`
	Credentials appCredentials  `json:"credentials"`
	Settings    appSettings     `json:"settings"`
	Links       map[string]link `json:"_links"`
}

type appCredentials struct {
	UserNameTemplate map[string]string `json:"userNameTemplate"`
	OAuthClient      *oauthCredentials `json:"oauthClient,omitempty"`
}

type oauthCredentials struct {
	ClientID                string `json:"client_id"`
	AutoKeyRotation         bool   `json:"autoKeyRotation"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method"`
}

type appSettings struct {
	App         map[string]any `json:"app"`
	OAuthClient *oauthSettings `json:"oauthClient,omitempty"`
}

type oauthSettings struct {
	ApplicationType string   `json:"application_type"`
	GrantTypes      []string `json:"grant_types"`
	ResponseTypes   []string `json:"response_types"`
}

// appOf renders a.
func (s *Server) appOf(a *app) appJSON {
	out := appJSON{ID: a.ID, Name: a.Name, Label: a.Label, Status: a.Status, Created: ts(a.Created),
		LastUpdated: ts(a.LastUpdated), SignOnMode: a.SignOnMode,
		Credentials: appCredentials{UserNameTemplate: map[string]string{"template": "${source.login}", "type": "BUILT_IN"}},
		Settings:    appSettings{App: map[string]any{}},
		Links:       map[string]link{"self": {Href: s.w.issuer + "/api/v1/apps/" + a.ID}}}
	if a.AppType == "" {
		return out
	}
	out.Credentials.OAuthClient = &oauthCredentials{ClientID: a.ID, AutoKeyRotation: true, TokenEndpointAuthMethod: a.AuthMethod}
	settings := &oauthSettings{ApplicationType: a.AppType, GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"}}
	if a.Service() {
		settings.GrantTypes, settings.ResponseTypes = []string{"client_credentials"}, []string{"token"}
	}
	out.Settings.OAuthClient = settings
	return out
}
