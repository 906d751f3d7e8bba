package main

import (
	"fmt"
	"time"

	"github.com/nhiscope/nhi"
)

// hostileApp is a tenant-controlled app name that must reach the page as text only.
const hostileApp = `<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script>`

// fakeWorld is the fake API's in-memory estate: enough identities to need paging, a few
// vendors (one with a hostile name), findings, and the plans and audit entries users add.
type fakeWorld struct {
	identities []nhi.Identity
	people     map[string]nhi.Person
	apps       []nhi.App
	findings   []nhi.Finding
	plans      []nhi.Plan
	audit      []nhi.AuditEntry
}

// newFakeWorld builds a deterministic world of n identities spread over vendors.
func newFakeWorld(now time.Time, n int) *fakeWorld {
	w := &fakeWorld{people: map[string]nhi.Person{}}
	vendors := []struct{ name, scope string }{
		{"Acme Drive Sync", "https://www.googleapis.com/auth/drive"},
		{"Mailmerge Pro", "https://mail.google.com/"},
		{hostileApp, "https://www.googleapis.com/auth/admin.directory.user"},
		{"Calendar Helper", "https://www.googleapis.com/auth/calendar.readonly"},
	}
	for i, v := range vendors {
		w.apps = append(w.apps, nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "example.com",
			ExternalID: fmt.Sprintf("client-%d", i), Name: v.name, Vendor: v.name, Scopes: []string{v.scope}})
	}
	statuses := []nhi.PersonStatus{nhi.PersonActive, nhi.PersonActive, nhi.PersonSuspended, nhi.PersonDeparted}
	for i := range n {
		p := nhi.Person{Platform: nhi.PlatformGoogleWorkspace, Tenant: "example.com",
			ExternalID: fmt.Sprintf("user-%03d", i%40), Email: fmt.Sprintf("user%03d@example.com", i%40),
			Name: fmt.Sprintf("User %03d", i%40), Status: statuses[i%40%len(statuses)]}
		w.people[p.ExternalID] = p
		a := &w.apps[i%len(w.apps)]
		a.Users++
		a.Identities++
		id := nhi.Identity{ID: fmt.Sprintf("gw-%04d", i), Platform: nhi.PlatformGoogleWorkspace, Tenant: "example.com",
			Kind: nhi.KindOAuthGrant, ExternalID: a.ExternalID + "/" + p.ExternalID, Name: a.Name, AppID: a.ExternalID,
			OwnerID: p.ExternalID, Permissions: []nhi.Permission{{Scope: a.Scopes[0]}},
			CreatedAt: now.AddDate(0, 0, -200+i%100), LastUsedAt: now.AddDate(0, 0, -(i % 120))}
		w.identities = append(w.identities, id)
		if i%len(w.apps) == 2 || i%7 == 0 {
			w.findings = append(w.findings, nhi.Finding{ID: fmt.Sprintf("f-%04d", i), Signal: "permission.admin",
				Title: "Grant holds an administrative scope", Severity: nhi.SeverityHigh, Points: 40, OWASP: []string{"NHI5:2025"},
				SubjectKind: nhi.SubjectIdentity, SubjectID: id.ID, Platform: id.Platform, Tenant: id.Tenant, AppID: id.AppID,
				OwnerID: id.OwnerID, Evidence: []string{"scope " + a.Scopes[0]}, Status: nhi.FindingOpen, FirstSeen: now})
		}
	}
	return w
}

// identity returns the identity with the ID.
func (w *fakeWorld) identity(id string) (nhi.Identity, bool) {
	for _, x := range w.identities {
		if x.ID == id {
			return x, true
		}
	}
	return nhi.Identity{}, false
}

// findingsOf returns the findings about one identity.
func (w *fakeWorld) findingsOf(id string) []nhi.Finding {
	var out []nhi.Finding
	for _, f := range w.findings {
		if f.SubjectID == id {
			out = append(out, f)
		}
	}
	return out
}

// addAudit appends an audit entry.
func (w *fakeWorld) addAudit(now time.Time, actor string, kind nhi.AuditKind, planID, target string) {
	w.audit = append(w.audit, nhi.AuditEntry{Seq: int64(len(w.audit) + 1), Time: now, Actor: actor, Kind: kind,
		PlanID: planID, Target: target})
}

// planFor builds a proposed plan with one action per identity.
func (w *fakeWorld) planFor(now time.Time, by, title string, action nhi.ActionType, ids []nhi.Identity) nhi.Plan {
	p := nhi.Plan{ID: fmt.Sprintf("plan-%03d", len(w.plans)+1), Title: title, Mode: nhi.ModeEnforce,
		RequiresApproval: true, State: nhi.PlanProposed, CreatedAt: now, UpdatedAt: now, CreatedBy: by,
		Reason: nhi.Reason{Kind: nhi.ReasonFinding, Text: title}}
	owners := map[string]bool{}
	for i, id := range ids {
		p.Actions = append(p.Actions, nhi.Action{ID: fmt.Sprintf("%s-a%d", p.ID, i+1), Type: action, Platform: id.Platform,
			Tenant: id.Tenant, IdentityID: id.ID, Kind: id.Kind, ExternalID: id.ExternalID, Name: id.Name,
			AppID: id.AppID, OwnerID: id.OwnerID, State: nhi.ActionPending})
		owners[id.OwnerID] = true
	}
	p.Blast = nhi.BlastRadius{Actions: len(ids), Identities: len(ids), People: len(owners), Apps: 1,
		Platforms: []nhi.Platform{nhi.PlatformGoogleWorkspace}}
	return p
}
