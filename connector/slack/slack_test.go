package slack

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/slack/slacksim"
	"github.com/nhiscope/nhi/estate"
)

// selfApp is the app ID the tests configure as nhi's own.
const selfApp = "A0NHISELF00"

// testEstate is the estate every test renders; it is read-only.
var testEstate = sync.OnceValues(func() (*estate.Estate, error) {
	return estate.Generate(estate.Options{Seed: 1, People: 40})
})

// rig is a connector wired to a simulator.
type rig struct {
	c   *Connector
	sim *slacksim.Server
	e   *estate.Estate
}

// newRig starts a simulator with opts and a connector with the given token (the
// simulator's when empty); workspace configures a workspace token.
func newRig(t *testing.T, opts slacksim.Options, token string, env connector.Env) *rig {
	t.Helper()
	e, err := testEstate()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := slacksim.New(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	if token == "" {
		token = sim.Token()
	}
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Name: "slack-test", AppID: selfApp, Token: connector.SecretRef("file:" + path),
		APIURL: sim.APIURL(ts.URL), AuditURL: sim.AuditURL(ts.URL)}
	if opts.Workspace {
		cfg.TeamID = e.Slack.Teams[0].ID
	} else {
		cfg.EnterpriseID = e.Slack.EnterpriseID
	}
	c, err := New(cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{c: c, sim: sim, e: e}
}

// requests converts the simulator's log for the suites.
func (r *rig) requests() []connectortest.Request {
	var out []connectortest.Request
	for _, q := range r.sim.Requests() {
		out = append(out, connectortest.Request{Method: q.Method, Path: q.Path, API: q.API(), Throttled: q.Throttled})
	}
	return out
}

// truth derives what a full scan of an Enterprise Grid org must find from the estate.
func truth(e *estate.Estate) connectortest.Truth {
	s := e.Slack
	tr := connectortest.Truth{Tenant: s.EnterpriseID}
	for _, u := range s.Users {
		if u.Person < 0 {
			continue
		}
		status := nhi.PersonActive
		if u.Deleted {
			status = nhi.PersonDeparted
		}
		tr.People = append(tr.People, connectortest.TruthPerson{ExternalID: u.ID, Status: status, IsAdmin: u.Admin || u.Owner,
			Email: u.Email, Name: nhi.CleanText(u.RealName)})
	}
	for _, a := range s.Apps {
		if a.Status == estate.SlackApproved {
			tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: a.ID, Kind: nhi.KindIntegration,
				OwnerID: s.Users[a.InstalledBy].ID, AppID: a.ID, Scopes: estate.SlackScopeNames(a.Scopes), CreatedAt: a.InstalledAt})
		}
	}
	for _, b := range s.Bots {
		tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: b.ID, Kind: nhi.KindBot,
			AppID: s.Apps[b.App].ID, CreatedAt: s.Apps[b.App].InstalledAt, LastUsedAt: b.LastActiveAt})
	}
	for _, w := range s.Webhooks {
		tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: w.ServiceID, Kind: nhi.KindWebhook,
			OwnerID: s.Users[w.AddedBy].ID, Scopes: []string{"incoming-webhook"}, CreatedAt: w.AddedAt})
	}
	return tr
}

func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, connectortest.Harness{Quota: 120, Start: func(t *testing.T, s connectortest.Setup) *connectortest.Instance {
		opts := slacksim.Options{MaxPageSize: s.PageSize, Quota: s.Quota, Latency: s.Latency}
		token := ""
		if s.BadCredentials {
			token = "xoxp-1111111111-2222222222-3333333333-notthetoken"
		}
		r := newRig(t, opts, token, connector.Env{Logger: s.Logger})
		inst := &connectortest.Instance{Connector: r.c, Truth: truth(r.e), Requests: r.requests,
			Secrets: []string{r.sim.Token(), token}}
		if token == "" {
			inst.Secrets = inst.Secrets[:1]
		}
		if s.FailScope {
			r.sim.InjectFault(slacksim.Fault{Method: "bots.info", Status: 500})
			inst.FailedScope = scopeBots
		}
		return inst
	}})
}

func TestRemediation(t *testing.T) {
	t.Parallel()
	connectortest.RunRemediator(t, connectortest.RemediatorHarness{Start: func(t *testing.T, s connectortest.RemediatorSetup) *connectortest.RemediatorInstance {
		r := newRig(t, slacksim.Options{}, "", connector.Env{})
		if s.IgnoreChanges {
			r.sim.InjectFault(slacksim.Fault{Ignore: true})
		}
		if s.FailChanges {
			r.sim.InjectFault(slacksim.Fault{Method: "admin.apps.uninstall", Status: 500})
			r.sim.InjectFault(slacksim.Fault{Method: "admin.apps.restrict", Status: 500})
		}
		return &connectortest.RemediatorInstance{Remediator: r.c, Actions: uninstallActions(r.e), Requests: r.requests,
			Exists: func(a nhi.Action) bool { return r.sim.Installed(a.ExternalID) }, Heal: r.sim.ClearFaults}
	}})
}

// uninstallActions returns an uninstall of the first org-wide app and of the first app
// installed on workspaces.
func uninstallActions(e *estate.Estate) []nhi.Action {
	var out []nhi.Action
	var org, ws bool
	for _, a := range e.Slack.Apps {
		if a.Status != estate.SlackApproved || (a.OrgWide && org) || (!a.OrgWide && ws) {
			continue
		}
		org, ws = org || a.OrgWide, ws || !a.OrgWide
		out = append(out, nhi.Action{ID: a.ID, Type: nhi.ActionUninstallApp, Platform: nhi.PlatformSlack,
			Tenant: e.Slack.EnterpriseID, Kind: nhi.KindIntegration, ExternalID: a.ID, AppID: a.ID, Name: a.Name})
	}
	return out
}
