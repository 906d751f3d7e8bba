package slack

// The answers of the Slack methods the connector reads, with the fields it uses.

type meta struct {
	NextCursor string `json:"next_cursor"`
}

type teamsPage struct {
	Teams []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"teams"`
	Meta meta `json:"response_metadata"`
}

type usersPage struct {
	Members []struct {
		ID       string `json:"id"`
		TeamID   string `json:"team_id"`
		Name     string `json:"name"`
		RealName string `json:"real_name"`
		Deleted  bool   `json:"deleted"`
		IsAdmin  bool   `json:"is_admin"`
		IsOwner  bool   `json:"is_owner"`
		IsBot    bool   `json:"is_bot"`
		Profile  struct {
			Email    string `json:"email"`
			BotID    string `json:"bot_id"`
			APIAppID string `json:"api_app_id"`
		} `json:"profile"`
	} `json:"members"`
	Meta meta `json:"response_metadata"`
}

type botInfo struct {
	Bot struct {
		ID      string `json:"id"`
		Deleted bool   `json:"deleted"`
		Name    string `json:"name"`
		AppID   string `json:"app_id"`
		UserID  string `json:"user_id"`
	} `json:"bot"`
}

type logsPage struct {
	Logs []struct {
		AppID       string `json:"app_id"`
		AppType     string `json:"app_type"`
		ServiceID   string `json:"service_id"`
		ServiceType string `json:"service_type"`
		UserID      string `json:"user_id"`
		Channel     string `json:"channel"`
		Date        string `json:"date"`
		ChangeType  string `json:"change_type"`
		Scope       string `json:"scope"`
		Reason      string `json:"reason"`
	} `json:"logs"`
	Paging struct {
		Page  int `json:"page"`
		Pages int `json:"pages"`
	} `json:"paging"`
}

type wireScope struct {
	Name        string `json:"name"`
	IsSensitive bool   `json:"is_sensitive"`
	TokenType   string `json:"token_type"`
}

type wireApp struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	IsInternal bool   `json:"is_internal"`
	Directory  bool   `json:"is_app_directory_approved"`
}

type appsPage struct {
	Approved []struct {
		App    wireApp     `json:"app"`
		Scopes []wireScope `json:"scopes"`
	} `json:"approved_apps"`
	Meta meta `json:"response_metadata"`
}

type auditPage struct {
	Entries []auditEntry `json:"entries"`
	Meta    meta         `json:"response_metadata"`
}

type auditEntry struct {
	ID         string `json:"id"`
	DateCreate int64  `json:"date_create"`
	Action     string `json:"action"`
	Actor      struct {
		User struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"user"`
	} `json:"actor"`
	Entity struct {
		Type string `json:"type"`
		App  struct {
			ID     string   `json:"id"`
			Name   string   `json:"name"`
			Scopes []string `json:"scopes"`
		} `json:"app"`
		File struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"file"`
	} `json:"entity"`
	Context struct {
		Location struct {
			ID string `json:"id"`
		} `json:"location"`
		UA string `json:"ua"`
		IP string `json:"ip_address"`
	} `json:"context"`
	Details struct {
		NewScope      []string `json:"new_scope"`
		PreviousScope []string `json:"previous_scope"`
	} `json:"details"`
}

type restrictedPage struct {
	Restricted []struct {
		App wireApp `json:"app"`
	} `json:"restricted_apps"`
	Meta meta `json:"response_metadata"`
}

type requestsPage struct {
	Requests []struct {
		ID   string  `json:"id"`
		App  wireApp `json:"app"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Team struct {
			ID string `json:"id"`
		} `json:"team"`
		Scopes      []wireScope `json:"scopes"`
		DateCreated int64       `json:"date_created"`
	} `json:"app_requests"`
	Meta meta `json:"response_metadata"`
}
