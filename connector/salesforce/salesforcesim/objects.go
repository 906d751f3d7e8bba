package salesforcesim

import (
	"time"
)

// userObject is User.
func userObject() *sobject {
	o := newObject("User", map[string]string{"Profile": "Profile"},
		f("Id", kID), f("Username", kString), f("Name", kString), f("Email", kString), f("IsActive", kBool),
		f("UserType", kString), f("Profile.Name", kString), f("ProfileId", kID), f("LastLoginDate", kDateTime),
		f("CreatedDate", kDateTime))
	o.rows = func(s *Server, _ caller, _ time.Time) []row {
		profiles := s.w.profiles()
		out := make([]row, 0, len(s.w.users))
		for _, u := range s.w.users {
			pid := profiles[u.Profile]
			out = append(out, row{id: u.ID, relIDs: map[string]string{"Profile": pid}, vals: []any{u.ID, u.Username,
				u.Name, nilString(u.Email), u.IsActive, u.UserType, nilString(u.Profile), nilString(pid),
				nilTime(u.LastLoginAt), nilTime(u.CreatedAt)}})
		}
		return out
	}
	return o
}

// userLoginObject is UserLogin, which freezing changes.
func userLoginObject() *sobject {
	o := newObject("UserLogin", nil, f("Id", kID), f("UserId", kID), f("IsFrozen", kBool), f("IsPasswordLocked", kBool))
	o.rows = func(s *Server, _ caller, _ time.Time) []row {
		out := make([]row, 0, len(s.w.users))
		for _, u := range s.w.users {
			if u.LoginID != "" {
				out = append(out, row{id: u.LoginID, vals: []any{u.LoginID, u.ID, u.IsFrozen, false}})
			}
		}
		return out
	}
	return o
}

// connectedAppObject is ConnectedApplication.
func connectedAppObject() *sobject {
	o := newObject("ConnectedApplication", nil, f("Id", kID), f("Name", kString), f("CreatedDate", kDateTime),
		f("OptionsAllowAdminApprovedUsersOnly", kBool), f("OptionsRefreshTokenValidityMetric", kBool),
		f("RefreshTokenValidityPeriod", kInt), f("OptionsIsInternal", kBool), f("OptionsHasSessionLevelPolicy", kBool),
		f("StartUrl", kString))
	o.rows = func(s *Server, _ caller, _ time.Time) []row {
		out := make([]row, 0, len(s.w.apps))
		for _, a := range s.w.apps {
			var period any
			if a.RefreshTokenPolicy == "specific_lifetime" || a.RefreshTokenPolicy == "inactivity" {
				period = int64(a.RefreshTokenValidity)
			}
			out = append(out, row{id: a.ID, vals: []any{a.ID, a.Name, nilTime(a.CreatedAt), a.AdminApprovedOnly,
				a.RefreshTokenPolicy == "inactivity", period, a.Internal, false, nil}})
		}
		return out
	}
	return o
}

// appMenuItemObject is AppMenuItem, the join between OauthToken and
// ConnectedApplication.
func appMenuItemObject() *sobject {
	o := newObject("AppMenuItem", nil, f("Id", kID), f("ApplicationId", kID), f("Label", kString), f("Name", kString),
		f("Type", kString))
	o.rows = func(s *Server, _ caller, _ time.Time) []row {
		out := make([]row, 0, len(s.w.apps))
		for _, a := range s.w.apps {
			out = append(out, row{id: a.MenuItemID, vals: []any{a.MenuItemID, a.ID, a.Name, nilString(a.FullName),
				"ConnectedApplication"}})
		}
		return out
	}
	return o
}

// oauthTokenObject is OauthToken. Its Id is always null; a caller without Customize
// Application sees only its own rows.
func oauthTokenObject() *sobject {
	o := newObject("OauthToken", nil, f("Id", kID), f("AppName", kString), f("AppMenuItemId", kID), f("UserId", kID),
		f("CreatedDate", kDateTime), f("LastUsedDate", kDateTime), f("UseCount", kInt), f("DeleteToken", kString))
	o.rows = func(s *Server, c caller, _ time.Time) []row {
		var out []row
		for _, t := range s.w.liveTokens() {
			if !c.customizeApplication && t.user != c.user {
				continue
			}
			a, u := s.w.apps[t.app], s.w.users[t.user]
			out = append(out, row{id: t.id, vals: []any{nil, a.Name, a.MenuItemID, u.ID, nilTime(t.created),
				nilTime(t.lastUsed), int64(t.useCount), t.deleteToken}})
		}
		return out
	}
	return o
}

// loginHistoryRetention is how long LoginHistory keeps rows.
const loginHistoryRetention = 180 * 24 * time.Hour

// loginHistoryObject is LoginHistory: six months of rows; a caller without View All
// Users (or Manage Users, or View All Data) sees only its own.
func loginHistoryObject() *sobject {
	o := newObject("LoginHistory", nil, f("Id", kID), f("UserId", kID), f("LoginTime", kDateTime), f("LoginType", kString),
		f("Application", kString), f("SourceIp", kString), f("Platform", kString), f("Browser", kString),
		f("Status", kString), f("ApiType", kString), f("CountryIso", kString))
	o.rows = func(s *Server, c caller, now time.Time) []row {
		var out []row
		from := now.Add(-loginHistoryRetention)
		for _, l := range s.w.logins {
			if l.Time.Before(from) || l.Time.After(now) || !c.viewAllUsers && int(l.User) != c.user {
				continue
			}
			out = append(out, row{id: l.ID, vals: []any{l.ID, s.w.users[l.User].ID, l.Time.UTC(), nilString(l.LoginType),
				nilString(l.Application), nilString(l.SourceIP), nilString(l.Platform), nilString(l.Browser),
				nilString(l.Status), nilString(l.APIType), nilString(l.CountryISO)}})
		}
		return out
	}
	return o
}

// eventLogFileObject is EventLogFile: the hourly files of the last 30 days, to callers
// with View Event Log Files (or View All Data); to others the object does not exist.
func eventLogFileObject() *sobject {
	o := newObject("EventLogFile", nil, f("Id", kID), f("EventType", kString), f("LogDate", kDateTime),
		f("Interval", kString), f("LogFileLength", kDouble), f("LogFileContentType", kString), f("Sequence", kInt),
		f("CreatedDate", kDateTime), f("LogFileFieldNames", kString), f("LogFileFieldTypes", kString),
		f("ApiVersion", kDouble), f("LogFile", kBase64))
	o.hidden = func(c caller) bool { return !c.viewEventLogFiles }
	o.rows = func(s *Server, c caller, now time.Time) []row {
		files := s.logFiles(now)
		out := make([]row, 0, len(files))
		for _, lf := range files {
			names, types := columnsOf(lf.eventType)
			out = append(out, row{id: lf.id, vals: []any{lf.id, lf.eventType, lf.hour, "Hourly", float64(len(lf.body)),
				"csv", int64(1), lf.created, names, types, 62.0, "/services/data/" + c.version + "/sobjects/EventLogFile/" + lf.id + "/LogFile"}})
		}
		return out
	}
	return o
}
