package github

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

// eventKinds maps the audit-log actions Events delivers to event kinds.
var eventKinds = map[string]nhi.EventKind{
	"personal_access_token.access_granted":          nhi.EventGrantAdded,
	"personal_access_token.access_revoked":          nhi.EventGrantRemoved,
	"personal_access_token.request_created":         nhi.EventOther,
	"personal_access_token.request_denied":          nhi.EventOther,
	"personal_access_token.request_cancelled":       nhi.EventOther,
	"personal_access_token.create":                  nhi.EventCredentialAdded,
	"personal_access_token.destroy":                 nhi.EventCredentialRemoved,
	"personal_access_token.update":                  nhi.EventPermissionAdded,
	"personal_access_token.credential_regenerated":  nhi.EventCredentialAdded,
	"org_credential_authorization.grant":            nhi.EventCredentialAdded,
	"org_credential_authorization.revoke":           nhi.EventCredentialRemoved,
	"org_credential_authorization.deauthorized":     nhi.EventCredentialRemoved,
	"integration_installation.create":               nhi.EventAppAdded,
	"integration_installation.destroy":              nhi.EventGrantRemoved,
	"integration_installation.repositories_added":   nhi.EventPermissionAdded,
	"integration_installation.repositories_removed": nhi.EventAppChanged,
	"integration_installation.suspend":              nhi.EventAppChanged,
	"integration_installation.unsuspend":            nhi.EventAppChanged,
	"integration_installation.version_updated":      nhi.EventPermissionAdded,
	"public_key.create":                             nhi.EventCredentialAdded,
	"public_key.delete":                             nhi.EventCredentialRemoved,
	"hook.create":                                   nhi.EventAppAdded,
	"hook.destroy":                                  nhi.EventGrantRemoved,
	"hook.config_changed":                           nhi.EventAppChanged,
	"hook.events_changed":                           nhi.EventAppChanged,
	"hook.active_changed":                           nhi.EventAppChanged,
	"org.create_actions_secret":                     nhi.EventCredentialAdded,
	"org.update_actions_secret":                     nhi.EventCredentialAdded,
	"org.remove_actions_secret":                     nhi.EventCredentialRemoved,
	"repo.create_actions_secret":                    nhi.EventCredentialAdded,
	"repo.update_actions_secret":                    nhi.EventCredentialAdded,
	"repo.remove_actions_secret":                    nhi.EventCredentialRemoved,
}

// targetFields are the fields naming an event's object, by preference.
var targetFields = []string{"token_id", "installation_id", "credential_id", "key_id", "hook_id", "fingerprint", "name"}

// detailFields are the fields an event's details keep: none holds a secret (a webhook's
// URL, which can, is reduced to its host).
var detailFields = []string{"repo", "repository", "token_id", "token_name", "user_programmatic_access_name",
	"programmatic_access_type", "repository_selection", "permissions", "integration", "installation_id", "key_id",
	"fingerprint", "read_only", "title", "hook_id", "events", "active", "credential_id", "credential_type",
	"oauth_credential_type", "managed_token_scopes", "name", "visibility", "user", "operation_type"}

// toEvent converts an audit-log entry; ok is false for an action Events does not deliver
// or an entry without a document ID or time.
func toEvent(org string, e *gh.AuditEntry) (nhi.Event, bool) {
	if e == nil {
		return nhi.Event{}, false
	}
	kind, ok := eventKinds[e.GetAction()]
	at := eventTime(e)
	if !ok || !validEventID(e.GetDocumentID()) || at.IsZero() {
		return nhi.Event{}, false
	}
	fields := entryFields(e)
	ev := nhi.Event{ID: e.GetDocumentID(), Platform: nhi.PlatformGitHub, Tenant: org, Time: at.UTC(), Kind: kind,
		Activity: e.GetAction(), Actor: clean(e.GetActor()), Result: "success",
		SourceIP: clean(fields["actor_ip"]), UserAgent: clean(fields["user_agent"]), Details: map[string]string{}}
	for _, f := range targetFields {
		if v := fields[f]; v != "" {
			ev.TargetID = v
			break
		}
	}
	for _, f := range []string{"user_programmatic_access_name", "token_name", "integration", "title", "repo", "name"} {
		if v := fields[f]; v != "" {
			ev.Target = v
			break
		}
	}
	for _, f := range detailFields {
		if v := fields[f]; v != "" {
			ev.Details[f] = v
		}
	}
	if host := destination(fields["config.url"] + fields["url"]); host != "" && strings.HasPrefix(e.GetAction(), "hook.") {
		ev.Details["destination_host"] = host
	}
	// An installation event names its app by slug (Target), not by the client ID apps are
	// reported under; an OAuth credential's event names its client ID.
	ev.AppID = fields["application_client_id"]
	return ev, true
}

// entryFields flattens an entry's fields to cleaned strings: the typed ones go-github
// decodes, its other fields, and one level of nested objects ("config.url").
func entryFields(e *gh.AuditEntry) map[string]string {
	out := map[string]string{}
	if e.TokenID != nil {
		out["token_id"] = strconv.FormatInt(*e.TokenID, 10)
	}
	if e.User != nil {
		out["user"] = clean(*e.User)
	}
	for _, k := range slices.Sorted(maps.Keys(e.AdditionalFields)) {
		v := e.AdditionalFields[k]
		if m, ok := v.(map[string]any); ok {
			for _, k2 := range slices.Sorted(maps.Keys(m)) {
				if s, ok := scalar(m[k2]); ok {
					out[k+"."+k2] = s
				}
			}
			continue
		}
		if s, ok := scalar(v); ok {
			out[k] = s
		}
	}
	return out
}

// scalar formats a JSON scalar (or a list of them) as a cleaned string.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return clean(x), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10), true
		}
		return clean(fmt.Sprint(x)), true
	case []any:
		var parts []string
		for _, p := range x {
			if s, ok := scalar(p); ok {
				parts = append(parts, s)
			}
		}
		return clean(strings.Join(parts, ",")), true
	}
	return "", false
}

// eventTime is the time of an entry (@timestamp, else created_at); zero without one.
func eventTime(e *gh.AuditEntry) time.Time {
	if t := e.GetTimestamp().Time; !t.IsZero() {
		return t
	}
	return e.GetCreatedAt().Time
}
