package entra

import (
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The bounds on the details of one event: how many facts, and how long each value.
const (
	maxEventDetails = 24
	maxDetailValue  = 512
)

// auditCategory is the directoryAudits category of changes to apps, service principals,
// consents and their credentials and owners.
const auditCategory = "ApplicationManagement"

// directoryAudit is one Graph directoryAudit, with the members Events uses.
type directoryAudit struct {
	ID                  string         `json:"id"`
	Category            string         `json:"category"`
	Result              string         `json:"result"`
	ActivityDisplayName string         `json:"activityDisplayName"`
	ActivityDateTime    string         `json:"activityDateTime"`
	InitiatedBy         auditInitiator `json:"initiatedBy"`
	TargetResources     []auditTarget  `json:"targetResources"`
	AdditionalDetails   []auditDetail  `json:"additionalDetails"`
}

// auditInitiator is who made a change: a user or an app.
type auditInitiator struct {
	User *auditUser `json:"user"`
	App  *auditApp  `json:"app"`
}

// auditUser is a user who made a change.
type auditUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
}

// auditApp is an app that made a change.
type auditApp struct {
	AppID              string `json:"appId"`
	ServicePrincipalID string `json:"servicePrincipalId"`
}

// auditTarget is one of the targetResources of an event.
type auditTarget struct {
	ID                 string          `json:"id"`
	DisplayName        string          `json:"displayName"`
	ModifiedProperties []auditModified `json:"modifiedProperties"`
}

// auditModified is one of the modifiedProperties of a target, without its old value.
type auditModified struct {
	DisplayName string `json:"displayName"`
	NewValue    string `json:"newValue"`
}

// auditDetail is one of the additionalDetails of an event.
type auditDetail struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// eventKind returns the kind of an activity: a known one's, app.changed for other
// changes to an app or service principal, else other.
func eventKind(activity string) nhi.EventKind {
	a := strings.ToLower(strings.TrimSpace(activity))
	switch a {
	case "consent to application":
		return nhi.EventConsentGranted
	case "add delegated permission grant":
		return nhi.EventGrantAdded
	case "remove delegated permission grant":
		return nhi.EventGrantRemoved
	case "add app role assignment to service principal":
		return nhi.EventPermissionAdded
	case "add service principal credentials", "update application – certificates and secrets management",
		"update application - certificates and secrets management":
		return nhi.EventCredentialAdded
	case "remove service principal credentials":
		return nhi.EventCredentialRemoved
	case "add owner to application", "add owner to service principal", "remove owner from application",
		"remove owner from service principal":
		return nhi.EventOwnerChanged
	case "add service principal":
		return nhi.EventAppAdded
	}
	for _, p := range []string{"update application", "update service principal", "delete application",
		"remove service principal", "restore application", "hard delete application"} {
		if strings.HasPrefix(a, p) {
			return nhi.EventAppChanged
		}
	}
	return nhi.EventOther
}

// toEvent converts a directory audit event; ok is false when it has no valid ID or
// time, and so cannot be delivered exactly once.
func (c *Connector) toEvent(a *directoryAudit) (nhi.Event, bool) {
	t, err := time.Parse(time.RFC3339Nano, a.ActivityDateTime)
	if err != nil || !validEventID(a.ID) {
		return nhi.Event{}, false
	}
	ev := nhi.Event{ID: a.ID, Platform: nhi.PlatformEntra, Tenant: c.cfg.TenantID, Time: t.UTC(),
		Kind: eventKind(a.ActivityDisplayName), Activity: clip(a.ActivityDisplayName, 200),
		Actor: clip(actorOf(&a.InitiatedBy), 200), Result: clip(a.Result, 64)}
	details := map[string]string{}
	if len(a.TargetResources) > 0 {
		tr := &a.TargetResources[0]
		ev.TargetID, ev.Target = clip(tr.ID, 200), clip(tr.DisplayName, 200)
		for _, m := range tr.ModifiedProperties {
			addDetail(details, m.DisplayName, m.NewValue)
		}
	}
	for _, d := range a.AdditionalDetails {
		if strings.EqualFold(d.Key, "AppId") && ev.AppID == "" {
			ev.AppID = clip(d.Value, 200)
		}
		addDetail(details, d.Key, d.Value)
	}
	if len(details) > 0 {
		ev.Details = details
	}
	return ev, true
}

// actorOf returns who made a change: the user's principal name or ID, or the app's ID.
func actorOf(by *auditInitiator) string {
	if u := by.User; u != nil && (u.UserPrincipalName != "" || u.ID != "") {
		if u.UserPrincipalName != "" {
			return u.UserPrincipalName
		}
		return u.ID
	}
	if a := by.App; a != nil {
		if a.AppID != "" {
			return a.AppID
		}
		return a.ServicePrincipalID
	}
	return ""
}

// addDetail adds a cleaned, capped fact to details, keeping the first value of a name
// and at most maxEventDetails facts.
func addDetail(details map[string]string, name, value string) {
	name = clip(name, 128)
	if name == "" || len(details) >= maxEventDetails {
		return
	}
	if _, ok := details[name]; ok {
		return
	}
	// Graph quotes the values of modifiedProperties as JSON strings ("\"User.Read\"").
	details[name] = clip(strings.Trim(strings.TrimSpace(value), `"`), maxDetailValue)
}

// clip returns s cleaned of control characters and cut to at most n bytes.
func clip(s string, n int) string {
	return nhi.CleanText(shorten(strings.TrimSpace(s), n))
}
