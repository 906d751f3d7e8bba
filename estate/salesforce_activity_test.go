package estate

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSalesforceLogins checks LoginHistory: in the window, in order, of users who can
// sign in, and consistent with the users' last logins.
func TestSalesforceLogins(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 7, People: 2000})
	s, now := e.Salesforce, e.Options.Now
	from := now.Add(-SalesforceWindow - time.Minute)
	last := make([]time.Time, len(s.Users))
	kinds := make(map[string]int)
	for i, l := range s.Logins {
		if l.User < 0 || int(l.User) >= len(s.Users) {
			t.Fatalf("login %d: user %d out of range", i, l.User)
		}
		if l.Time.Before(from) || !l.Time.Before(now) || i > 0 && l.Time.Before(s.Logins[i-1].Time) {
			t.Fatalf("login %d at %v: out of the window or out of order", i, l.Time)
		}
		if u := &s.Users[l.User]; l.Time.Before(u.CreatedAt) {
			t.Errorf("login %d: before its user was created", i)
		}
		if l.SourceIP == "" || l.CountryISO == "" || l.UserAgent == "" || l.Application == "" {
			t.Errorf("login %d: %+v lacks a field", i, l)
		}
		kinds[l.LoginType+"/"+l.Status]++
		if l.Status == sfSuccess && l.Time.After(last[l.User]) {
			last[l.User] = l.Time
		}
		if l.LoginType == sfLoginBrowser && l.Application != "Browser" ||
			l.LoginType == sfLoginOAuth && !slices.ContainsFunc(s.Apps, func(a SFApp) bool { return a.Name == l.Application }) {
			t.Errorf("login %d: type %s with application %q", i, l.LoginType, l.Application)
		}
	}
	for u := range s.Users {
		if !last[u].IsZero() && !last[u].Equal(s.Users[u].LastLoginAt) {
			t.Errorf("user %d: LastLoginAt %v, last login %v", u, s.Users[u].LastLoginAt, last[u])
		}
	}
	for _, k := range []string{"Application/Success", "Application/Invalid Password", "Remote Access 2.0/Success"} {
		if kinds[k] == 0 {
			t.Errorf("no %s login (%v)", k, kinds)
		}
	}
}

// TestSalesforceAPIEvents checks the API events: in the window, in order, each app's
// from its own /24 (the CLI's from the people's networks) and counted in its tokens'
// uses.
func TestSalesforceAPIEvents(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 8, People: 2000})
	s, now := e.Salesforce, e.Options.Now
	attack := make(map[string]bool)
	for _, id := range s.Attack.Requests {
		attack[id] = true
	}
	from := now.Add(-SalesforceWindow)
	nets := make(map[int32]string)
	counts := make(map[[2]int32]int)
	lastUse := make(map[[2]int32]time.Time)
	for i, ev := range s.APIEvents {
		if ev.User < 0 || int(ev.User) >= len(s.Users) || ev.App < -1 || int(ev.App) >= len(s.Apps) {
			t.Fatalf("event %d: user %d or app %d out of range", i, ev.User, ev.App)
		}
		if ev.Time.Before(from) || !ev.Time.Before(now) || i > 0 && ev.Time.Before(s.APIEvents[i-1].Time) {
			t.Fatalf("event %d at %v: out of the window or out of order", i, ev.Time)
		}
		if !slices.Contains([]string{"ApiTotalUsage", "RestApi", "BulkApi2"}, ev.EventType) || ev.ClientName == "" ||
			(ev.EventType == "BulkApi2") != (ev.JobID != "") || ev.StatusCode < 200 {
			t.Errorf("event %d: %+v", i, ev)
		}
		key := [2]int32{ev.User, ev.App}
		counts[key]++
		if ev.Time.After(lastUse[key]) {
			lastUse[key] = ev.Time
		}
		if attack[ev.RequestID] {
			continue
		}
		net := ev.ClientIP[:strings.LastIndexByte(ev.ClientIP, '.')]
		if s.Apps[ev.App].Name == "Salesforce CLI" { // runs on the person's computer
			if !slices.Contains([]string{"198.51.100", "203.0.113", "192.0.2"}, net) {
				t.Errorf("event %d of the CLI from %s, not a person's network", i, ev.ClientIP)
			}
			continue
		}
		if prev, ok := nets[ev.App]; ok && prev != net {
			t.Errorf("event %d of %s from %s, earlier from %s", i, s.Apps[ev.App].Name, ev.ClientIP, prev)
		}
		nets[ev.App] = net
	}
	for key, n := range counts {
		uses, last := 0, time.Time{}
		for _, tok := range s.Tokens {
			if tok.User == key[0] && tok.App == key[1] {
				uses += tok.UseCount
				last = maxTime(last, tok.LastUsedAt)
			}
		}
		if uses < n || !last.Equal(lastUse[key]) {
			t.Errorf("%s: %d events, last %v; tokens %d uses, last %v", s.Users[key[0]].Name, n, lastUse[key], uses, last)
		}
	}
	if len(nets) < 12 {
		t.Errorf("events of %d apps, want at least 12", len(nets))
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestSalesforceAttack checks the seeded theft: its place in the window, its order
// (recon, then exports, each job deleted seconds after its results), its addresses and
// user agents.
func TestSalesforceAttack(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 3} {
		e := mustGenerate(t, Options{Seed: seed, People: 1000})
		checkAttack(t, e)
	}
}

func checkAttack(t *testing.T, e *Estate) {
	t.Helper()
	s, now := e.Salesforce, e.Options.Now
	atk := s.Attack
	if atk == nil || s.Apps[atk.App].Name != "Drift" || len(atk.Users) != 1 || s.Users[atk.Users[0]].Name != "Drift Integration" {
		t.Fatalf("attack %+v is not on Drift's integration user", atk)
	}
	if atk.Start.Before(now.Add(-SalesforceWindow)) || !atk.End.After(atk.Start) || !atk.End.Before(now) {
		t.Errorf("attack from %v to %v is not within the window", atk.Start, atk.End)
	}
	recon, export := netip.MustParseAddr(atk.ReconIP), netip.MustParseAddr(atk.ExportIP)
	if !netip.MustParsePrefix("44.192.0.0/11").Contains(recon) || !netip.MustParsePrefix("159.203.0.0/16").Contains(export) {
		t.Errorf("attack addresses %s, %s are not in AWS and DigitalOcean", recon, export)
	}
	byID := make(map[string]SFAPIEvent)
	for _, ev := range s.APIEvents {
		byID[ev.RequestID] = ev
		if !slices.Contains(atk.Requests, ev.RequestID) && (ev.ClientIP == atk.ReconIP || ev.ClientIP == atk.ExportIP) {
			t.Errorf("event %s from an attack address is not the attack's", ev.RequestID)
		}
	}
	var lastRecon, firstExport time.Time
	objects := make(map[string]bool)
	results := make(map[string]time.Time)
	deleted := 0
	for i, id := range atk.Requests {
		ev, ok := byID[id]
		if !ok || ev.App != atk.App || ev.User != atk.Users[0] || ev.Time.Before(atk.Start) || ev.Time.After(atk.End) {
			t.Fatalf("attack request %d %s: missing or out of place: %+v", i, id, ev)
		}
		switch ev.ClientIP {
		case atk.ReconIP:
			lastRecon = ev.Time
			if ev.ClientName != SFReconUA || ev.APIFamily != "REST" {
				t.Errorf("recon request %s: %s %s", id, ev.ClientName, ev.APIFamily)
			}
			if strings.Contains(ev.Query, "COUNT()") || strings.Contains(ev.Query, "LIMIT") {
				objects[ev.Entity] = true
			}
		case atk.ExportIP:
			if firstExport.IsZero() {
				firstExport = ev.Time
			}
			if ev.ClientName != SFExportUA || ev.EventType != "BulkApi2" || ev.JobID == "" {
				t.Errorf("export request %s: %+v", id, ev)
			}
			switch {
			case ev.Resource == "/jobs/query/{id}/results":
				results[ev.JobID] = ev.Time
				if ev.Rows < 100 {
					t.Errorf("export of %s got %d rows", ev.Entity, ev.Rows)
				}
			case ev.Method == "DELETE":
				deleted++
				done, ok := results[ev.JobID]
				if d := ev.Time.Sub(done); !ok || d <= 0 || d > time.Minute || ev.StatusCode != 204 {
					t.Errorf("job %s deleted %v after its results (%v)", ev.JobID, d, ok)
				}
			}
		default:
			t.Errorf("attack request %s from %s", id, ev.ClientIP)
		}
	}
	for _, obj := range []string{"User", "Account", "Opportunity", "Case"} {
		if !objects[obj] {
			t.Errorf("recon counted or sampled no %s", obj)
		}
	}
	if lastRecon.IsZero() || !firstExport.After(lastRecon) || deleted != 4 || len(results) != 4 {
		t.Errorf("recon until %v, export from %v, %d jobs, %d deleted", lastRecon, firstExport, len(results), deleted)
	}
	for _, ip := range []string{atk.ReconIP, atk.ExportIP} {
		if !slices.ContainsFunc(s.Logins, func(l SFLogin) bool {
			return l.SourceIP == ip && l.LoginType == sfLoginOAuth && l.Application == "Drift" && l.User == atk.Users[0]
		}) {
			t.Errorf("no Drift OAuth login from %s", ip)
		}
	}
}
