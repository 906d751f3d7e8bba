package estate

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
)

// checkGitHubAudits checks the audit log: IDs unique, times within the window and in
// order per organization, and exactly one event for each thing the data says was made
// within the window.
func checkGitHubAudits(t *testing.T, e *Estate) {
	t.Helper()
	gh, now := e.GitHub, e.Options.Now
	ids := map[string]bool{}
	var got []string
	for i, a := range gh.Audits {
		if len(a.ID) != 22 || ids[a.ID] || a.Org < 0 || a.Org > 1 || a.Actor < 0 || int(a.Actor) >= len(gh.Users) ||
			a.User < -1 || int(a.User) >= len(gh.Users) || a.Fields == nil {
			t.Errorf("audit event %d: %+v", i, a)
			continue
		}
		ids[a.ID] = true
		if a.Time.After(now) || now.Sub(a.Time) > GitHubAuditWindow {
			t.Errorf("audit event %d at %v lies outside the window", i, a.Time)
		}
		if i > 0 && cmp.Or(cmp.Compare(gh.Audits[i-1].Org, a.Org), gh.Audits[i-1].Time.Compare(a.Time)) > 0 {
			t.Errorf("audit events %d and %d are out of order", i-1, i)
		}
		key := map[string]string{"personal_access_token.access_granted": "token_id",
			"personal_access_token.request_created": "token_id", "integration_installation.create": "installation_id",
			"integration_installation.suspend": "installation_id", "public_key.create": "key_id",
			"hook.create": "hook_id", "org_credential_authorization.grant": "credential_id"}[a.Action]
		switch {
		case a.Action == "org.remove_member":
			if a.User < 0 || gh.Users[a.User].Person < 0 || e.People[gh.Users[a.User].Person].Status != Departed ||
				slices.ContainsFunc(gh.Members, func(m GHMember) bool { return m.User == a.User }) {
				t.Errorf("audit event %d removes %d, who is no departed former member", i, a.User)
			}
		case key == "":
			t.Errorf("audit event %d: unexpected action %q", i, a.Action)
		default:
			got = append(got, fmt.Sprint(a.Org, " ", a.Action, " ", a.Fields[key], " ", a.Time.UnixMilli()))
		}
	}
	want := wantAudits(gh, now)
	slices.Sort(got)
	slices.Sort(want)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("audit events (-want +got):\n%s", diff)
	}
}

// wantAudits lists the events the data implies: "<org> <action> <id> <ms>" for every
// token, request, installation, deploy key, hook and credential made (or installation
// suspended) within the audit window.
func wantAudits(gh *GitHub, now time.Time) []string {
	var out []string
	add := func(org int32, action string, id int64, at time.Time) {
		if !at.IsZero() && now.Sub(at) <= GitHubAuditWindow {
			out = append(out, fmt.Sprint(org, " ", action, " ", id, " ", at.UnixMilli()))
		}
	}
	for _, tk := range gh.Tokens {
		add(tk.Org, "personal_access_token.access_granted", tk.TokenID, tk.GrantedAt)
	}
	for _, tk := range gh.Requests {
		add(tk.Org, "personal_access_token.request_created", tk.TokenID, tk.GrantedAt)
	}
	for _, in := range gh.Installations {
		add(in.Org, "integration_installation.create", in.ID, in.CreatedAt)
		add(in.Org, "integration_installation.suspend", in.ID, in.SuspendedAt)
	}
	for _, k := range gh.DeployKeys {
		add(gh.Repos[k.Repo].Org, "public_key.create", k.ID, k.CreatedAt)
	}
	for _, h := range gh.Hooks {
		add(h.Org, "hook.create", h.ID, h.CreatedAt)
	}
	for _, c := range gh.Credentials {
		add(c.Org, "org_credential_authorization.grant", c.ID, c.AuthorizedAt)
	}
	return out
}
