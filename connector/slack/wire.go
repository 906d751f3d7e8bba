package slack

// The answers of the Slack methods the connector reads with plain calls (slack-go lacks
// them or loses fields of theirs; see the package comment), with the fields it uses.

type meta struct {
	NextCursor string `json:"next_cursor"`
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
