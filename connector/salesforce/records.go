package salesforce

// The SOQL queries of a scan. None selects OauthToken.DeleteToken or AccessToken:
// discovery never holds a revocation handle (remediation reads it when it revokes).
const (
	soqlUsers       = "SELECT Id, Username, Name, Email, IsActive, UserType, Profile.Name, LastLoginDate, CreatedDate FROM User"
	soqlFrozen      = "SELECT Id, UserId, IsFrozen FROM UserLogin WHERE IsFrozen = true"
	soqlAssignments = "SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, " +
		"PermissionSet.PermissionsViewAllData, PermissionSet.PermissionsModifyAllData, PermissionSet.PermissionsApiEnabled, " +
		"PermissionSet.PermissionsApiUserOnly, PermissionSet.PermissionsManageUsers, " +
		"PermissionSet.PermissionsCustomizeApplication FROM PermissionSetAssignment"
	soqlApps = "SELECT Id, Name, CreatedDate, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, " +
		"RefreshTokenValidityPeriod, OptionsIsInternal, OptionsHasSessionLevelPolicy, StartUrl FROM ConnectedApplication"
	soqlMenuItems = "SELECT Id, ApplicationId, Label, Name FROM AppMenuItem WHERE Type = 'ConnectedApplication'"
	soqlTokens    = "SELECT AppName, AppMenuItemId, UserId, CreatedDate, LastUsedDate, UseCount FROM OauthToken"
)

// The objects read, as named in progress events and messages.
const (
	resUsers       = "users"
	resLogins      = "user logins (frozen users)"
	resAssignments = "permission set assignments"
	resApps        = "connected apps"
	resMenuItems   = "app menu items"
	resTokens      = "OAuth tokens"
	resMetadata    = "connected app metadata"
	resLimits      = "API limits"
)

// userRecord is a User row.
type userRecord struct {
	ID            string `json:"Id"`
	Username      string `json:"Username"`
	Name          string `json:"Name"`
	Email         string `json:"Email"`
	IsActive      bool   `json:"IsActive"`
	UserType      string `json:"UserType"`
	Profile       *named `json:"Profile"`
	LastLoginDate string `json:"LastLoginDate"`
	CreatedDate   string `json:"CreatedDate"`
}

// named is a relationship field holding a name.
type named struct {
	Name string `json:"Name"`
}

// profileName returns the user's profile name, or "".
func (u *userRecord) profileName() string {
	if u.Profile == nil {
		return ""
	}
	return u.Profile.Name
}

// userLoginRecord is a UserLogin row.
type userLoginRecord struct {
	ID       string `json:"Id"`
	UserID   string `json:"UserId"`
	IsFrozen bool   `json:"IsFrozen"`
}

// assignmentRecord is a PermissionSetAssignment row with its permission set's flags.
type assignmentRecord struct {
	AssigneeID    string `json:"AssigneeId"`
	PermissionSet *struct {
		Name                            string `json:"Name"`
		IsOwnedByProfile                bool   `json:"IsOwnedByProfile"`
		PermissionsViewAllData          bool   `json:"PermissionsViewAllData"`
		PermissionsModifyAllData        bool   `json:"PermissionsModifyAllData"`
		PermissionsAPIEnabled           bool   `json:"PermissionsApiEnabled"`
		PermissionsAPIUserOnly          bool   `json:"PermissionsApiUserOnly"`
		PermissionsManageUsers          bool   `json:"PermissionsManageUsers"`
		PermissionsCustomizeApplication bool   `json:"PermissionsCustomizeApplication"`
	} `json:"PermissionSet"`
}

// appRecord is a ConnectedApplication row.
type appRecord struct {
	ID                                 string `json:"Id"`
	Name                               string `json:"Name"`
	CreatedDate                        string `json:"CreatedDate"`
	OptionsAllowAdminApprovedUsersOnly bool   `json:"OptionsAllowAdminApprovedUsersOnly"`
	OptionsRefreshTokenValidityMetric  bool   `json:"OptionsRefreshTokenValidityMetric"`
	RefreshTokenValidityPeriod         *int   `json:"RefreshTokenValidityPeriod"`
	OptionsIsInternal                  bool   `json:"OptionsIsInternal"`
	OptionsHasSessionLevelPolicy       bool   `json:"OptionsHasSessionLevelPolicy"`
	StartURL                           string `json:"StartUrl"`
}

// menuItemRecord is an AppMenuItem row.
type menuItemRecord struct {
	ID            string `json:"Id"`
	ApplicationID string `json:"ApplicationId"`
	Label         string `json:"Label"`
	Name          string `json:"Name"`
}

// tokenRecord is an OauthToken row (Id is always null; DeleteToken only in remediation).
type tokenRecord struct {
	AppName       string `json:"AppName"`
	AppMenuItemID string `json:"AppMenuItemId"`
	UserID        string `json:"UserId"`
	CreatedDate   string `json:"CreatedDate"`
	LastUsedDate  string `json:"LastUsedDate"`
	UseCount      *int64 `json:"UseCount"`
	DeleteToken   string `json:"DeleteToken,omitempty"`
}

// limitsAnswer is the part of the limits resource the connector reads.
type limitsAnswer struct {
	DailyAPIRequests *struct {
		Max       int `json:"Max"`
		Remaining int `json:"Remaining"`
	} `json:"DailyApiRequests"`
}
