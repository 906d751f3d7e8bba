package okta

import "time"

// user is an Okta user as /api/v1/users lists it.
type user struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Created   time.Time  `json:"created"`
	LastLogin *time.Time `json:"lastLogin"`
	Profile   struct {
		FirstName  string `json:"firstName"`
		LastName   string `json:"lastName"`
		Email      string `json:"email"`
		Login      string `json:"login"`
		Department string `json:"department"`
	} `json:"profile"`
}

// roleAssignment is an admin role of a user.
type roleAssignment struct {
	Type   string `json:"type"`
	Status string `json:"status"`
}

// assignees is a page of /api/v1/iam/assignees/users.
type assignees struct {
	Value []struct {
		ID string `json:"id"`
	} `json:"value"`
	Links struct {
		Next struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

// apiToken is an API token as /api/v1/api-tokens lists it.
type apiToken struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	UserID      string    `json:"userId"`
	ClientName  string    `json:"clientName"`
	TokenWindow string    `json:"tokenWindow"`
	Created     time.Time `json:"created"`
	ExpiresAt   time.Time `json:"expiresAt"`
	Network     struct {
		Connection string   `json:"connection"`
		Include    []string `json:"include"`
		Exclude    []string `json:"exclude"`
	} `json:"network"`
}

// app is an app as /api/v1/apps lists it.
type app struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Label       string    `json:"label"`
	Status      string    `json:"status"`
	Created     time.Time `json:"created"`
	SignOnMode  string    `json:"signOnMode"`
	Credentials struct {
		OAuthClient *struct {
			ClientID   string `json:"client_id"`
			AuthMethod string `json:"token_endpoint_auth_method"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient *struct {
			ApplicationType string   `json:"application_type"`
			GrantTypes      []string `json:"grant_types"`
		} `json:"oauthClient"`
	} `json:"settings"`
}

// appType returns the app's OAuth application_type, "" for an app without OAuth.
func (a *app) appType() string {
	if a.Settings.OAuthClient == nil {
		return ""
	}
	return a.Settings.OAuthClient.ApplicationType
}

// clientID returns the app's OAuth client ID (its app ID when not given).
func (a *app) clientID() string {
	if a.Credentials.OAuthClient != nil && a.Credentials.OAuthClient.ClientID != "" {
		return a.Credentials.OAuthClient.ClientID
	}
	return a.ID
}

// grant is a scope grant: of an app (source ADMIN) or a user's consent (END_USER).
type grant struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
	CreatedBy struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"createdBy"`
	ClientID string `json:"clientId"`
	UserID   string `json:"userId"`
	ScopeID  string `json:"scopeId"`
	Source   string `json:"source"`
}

// refreshToken is a refresh token as /api/v1/apps/{id}/tokens lists it.
type refreshToken struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	Created     time.Time `json:"created"`
	LastUpdated time.Time `json:"lastUpdated"`
	ClientID    string    `json:"clientId"`
	UserID      string    `json:"userId"`
}

// logEvent is a System Log event.
type logEvent struct {
	UUID       string    `json:"uuid"`
	Published  time.Time `json:"published"`
	EventType  string    `json:"eventType"`
	DisplayMsg string    `json:"displayMessage"`
	Actor      entity    `json:"actor"`
	Target     []entity  `json:"target"`
	Outcome    struct {
		Result string `json:"result"`
	} `json:"outcome"`
	Client struct {
		IPAddress string `json:"ipAddress"`
		UserAgent struct {
			Raw string `json:"rawUserAgent"`
		} `json:"userAgent"`
	} `json:"client"`
	DebugContext struct {
		DebugData map[string]any `json:"debugData"`
	} `json:"debugContext"`
}

// entity is an actor or target of an event.
type entity struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	AlternateID string `json:"alternateId"`
	DisplayName string `json:"displayName"`
}
