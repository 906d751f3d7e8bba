package monitor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// githubKinds maps "<X-GitHub-Event>.<action>" of the organization webhook events that
// matter for non-human identities to event kinds.
var githubKinds = map[string]nhi.EventKind{
	"installation.created":                    nhi.EventAppAdded,
	"installation.deleted":                    nhi.EventGrantRemoved,
	"installation.suspend":                    nhi.EventAppChanged,
	"installation.unsuspend":                  nhi.EventAppChanged,
	"installation.new_permissions_accepted":   nhi.EventPermissionAdded,
	"installation_repositories.added":         nhi.EventPermissionAdded,
	"installation_repositories.removed":       nhi.EventGrantRemoved,
	"personal_access_token_request.approved":  nhi.EventGrantAdded,
	"personal_access_token_request.created":   nhi.EventOther,
	"personal_access_token_request.denied":    nhi.EventOther,
	"personal_access_token_request.cancelled": nhi.EventOther,
	"deploy_key.created":                      nhi.EventCredentialAdded,
	"deploy_key.deleted":                      nhi.EventCredentialRemoved,
	"github_app_authorization.revoked":        nhi.EventGrantRemoved,
	"organization.member_removed":             nhi.EventOwnerChanged,
	"organization.member_added":               nhi.EventOwnerChanged,
	"personal_access_token_request.expired":   nhi.EventOther,
	"installation_target.renamed":             nhi.EventAppChanged,
	"meta.deleted":                            nhi.EventOther,
	"organization.renamed":                    nhi.EventOther,
}

// DecodeGitHub turns an organization webhook delivery into an event; deliveries of
// other kinds give none.
func DecodeGitHub(received func() time.Time) func(http.Header, []byte) ([]nhi.Event, error) {
	return func(h http.Header, body []byte) ([]nhi.Event, error) {
		var p struct {
			Action       string `json:"action"`
			Organization struct {
				Login string `json:"login"`
			} `json:"organization"`
			Sender struct {
				Login string `json:"login"`
			} `json:"sender"`
			Installation struct {
				ID       int64  `json:"id"`
				AppSlug  string `json:"app_slug"`
				ClientID string `json:"client_id"`
			} `json:"installation"`
			Key struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"key"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("github delivery: %w", err)
		}
		name := h.Get("X-GitHub-Event") + "." + p.Action
		kind := githubKinds[name]
		if kind == "" || p.Organization.Login == "" {
			return nil, nil
		}
		ev := nhi.Event{ID: h.Get("X-GitHub-Delivery"), Platform: nhi.PlatformGitHub, Tenant: nhi.CleanText(p.Organization.Login),
			Time: received(), Kind: kind, Activity: name, Actor: nhi.CleanText(strings.ToLower(p.Sender.Login)),
			AppID: nhi.CleanText(p.Installation.ClientID), Result: "success", Details: map[string]string{"source": "webhook"}}
		if p.Installation.ID != 0 {
			ev.TargetID, ev.Target = "installation/"+strconv.FormatInt(p.Installation.ID, 10), nhi.CleanText(p.Installation.AppSlug)
		}
		if p.Key.ID != 0 {
			ev.TargetID, ev.Target = strconv.FormatInt(p.Key.ID, 10), nhi.CleanText(p.Key.Title)
		}
		return []nhi.Event{ev}, nil
	}
}

// slackKinds maps Slack Events API event types that matter for non-human identities.
var slackKinds = map[string]nhi.EventKind{
	"app_requested":   nhi.EventConsentGranted,
	"app_uninstalled": nhi.EventGrantRemoved,
	"tokens_revoked":  nhi.EventGrantRemoved,
	"user_change":     nhi.EventOwnerChanged,
}

// DecodeSlack turns an Events API delivery (event_callback) into an event.
func DecodeSlack(body []byte) ([]nhi.Event, error) {
	var p struct {
		Type    string `json:"type"`
		TeamID  string `json:"team_id"`
		EventID string `json:"event_id"`
		APIApp  string `json:"api_app_id"`
		Time    int64  `json:"event_time"`
		Event   struct {
			Type string `json:"type"`
			User struct {
				ID      string `json:"id"`
				Deleted bool   `json:"deleted"`
			} `json:"user"`
			AppRequest struct {
				App struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"app"`
			} `json:"app_request"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("slack delivery: %w", err)
	}
	kind := slackKinds[p.Event.Type]
	if p.Type != "event_callback" || kind == "" || (p.Event.Type == "user_change" && !p.Event.User.Deleted) {
		return nil, nil
	}
	ev := nhi.Event{ID: nhi.CleanText(p.EventID), Platform: nhi.PlatformSlack, Tenant: nhi.CleanText(p.TeamID),
		Time: time.Unix(p.Time, 0).UTC(), Kind: kind, Activity: p.Event.Type, AppID: nhi.CleanText(p.APIApp),
		Result: "success", Details: map[string]string{"source": "events_api"}}
	if a := p.Event.AppRequest.App; a.ID != "" {
		ev.AppID, ev.Target = nhi.CleanText(a.ID), nhi.CleanText(a.Name)
	}
	if p.Event.User.ID != "" {
		ev.TargetID = nhi.CleanText(p.Event.User.ID)
	}
	return []nhi.Event{ev}, nil
}

// oktaKinds maps Okta System Log event types (by prefix) that matter.
var oktaKinds = []struct {
	prefix string
	kind   nhi.EventKind
}{
	{"system.api_token.create", nhi.EventCredentialAdded},
	{"system.api_token.revoke", nhi.EventCredentialRemoved},
	{"app.oauth2.as.consent.grant", nhi.EventConsentGranted},
	{"app.oauth2.as.consent.revoke", nhi.EventGrantRemoved},
	{"app.oauth2.as.token.grant", nhi.EventSignIn},
	{"app.oauth2.token.grant", nhi.EventSignIn},
	{"application.lifecycle.create", nhi.EventAppAdded},
	{"application.lifecycle.update", nhi.EventAppChanged},
	{"application.user_membership.add", nhi.EventPermissionAdded},
	{"user.lifecycle.deactivate", nhi.EventOwnerChanged},
	{"user.lifecycle.suspend", nhi.EventOwnerChanged},
}

// DecodeOkta turns an event hook delivery into events.
func DecodeOkta(body []byte) ([]nhi.Event, error) {
	var p struct {
		Data struct {
			Events []struct {
				UUID      string    `json:"uuid"`
				Published time.Time `json:"published"`
				EventType string    `json:"eventType"`
				Actor     struct {
					ID          string `json:"id"`
					AlternateID string `json:"alternateId"`
				} `json:"actor"`
				Client struct {
					IPAddress string `json:"ipAddress"`
					UserAgent struct {
						Raw string `json:"rawUserAgent"`
					} `json:"userAgent"`
				} `json:"client"`
				Outcome struct {
					Result string `json:"result"`
				} `json:"outcome"`
				Target []struct {
					ID          string `json:"id"`
					Type        string `json:"type"`
					DisplayName string `json:"displayName"`
				} `json:"target"`
			} `json:"events"`
		} `json:"data"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("okta delivery: %w", err)
	}
	var out []nhi.Event
	for _, e := range p.Data.Events {
		var kind nhi.EventKind
		for _, k := range oktaKinds {
			if strings.HasPrefix(e.EventType, k.prefix) {
				kind = k.kind
				break
			}
		}
		if kind == "" || e.UUID == "" {
			continue
		}
		ev := nhi.Event{ID: nhi.CleanText(e.UUID), Platform: nhi.PlatformOkta, Tenant: oktaTenant(p.Source),
			Time: e.Published.UTC(), Kind: kind, Activity: nhi.CleanText(e.EventType), Actor: nhi.CleanText(firstNonEmpty(e.Actor.AlternateID, e.Actor.ID)),
			Result: strings.ToLower(nhi.CleanText(e.Outcome.Result)), SourceIP: nhi.CleanText(e.Client.IPAddress),
			UserAgent: nhi.CleanText(e.Client.UserAgent.Raw), Details: map[string]string{"source": "event_hook"}}
		for _, t := range e.Target {
			if t.Type == "AppInstance" || t.Type == "PublicClientApp" {
				ev.AppID = nhi.CleanText(t.ID)
			}
			if ev.TargetID == "" {
				ev.TargetID, ev.Target = nhi.CleanText(t.ID), nhi.CleanText(t.DisplayName)
			}
		}
		out = append(out, ev)
	}
	return out, nil
}

// oktaTenant returns the org host of an event hook's source URL
// ("https://example.okta.com/api/v1/eventHooks/who8..."), lower case and without a port,
// as the Okta connector names its tenant.
func oktaTenant(source string) string {
	u, err := url.Parse(source)
	if err != nil {
		return ""
	}
	return nhi.CleanText(strings.ToLower(u.Hostname()))
}

// firstNonEmpty returns the first of ss that is not empty.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
