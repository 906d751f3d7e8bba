package risk

import (
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

// defaultEngine returns an engine over the embedded catalogue with no intelligence pack.
func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cat, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSignalCatalogueIsComplete(t *testing.T) {
	t.Parallel()
	sigs := Signals()
	if len(sigs) < 22 {
		t.Fatalf("catalogue has %d signals, want at least 22", len(sigs))
	}
	seen := map[string]bool{}
	for _, s := range sigs {
		if seen[s.ID] {
			t.Errorf("duplicate signal ID %q", s.ID)
		}
		seen[s.ID] = true
		for _, problem := range signalProblems(s) {
			t.Errorf("signal %q: %s", s.ID, problem)
		}
	}
	for _, id := range []string{"permission.critical", "permission.high", "permission.unknown",
		"owner.departed", "owner.suspended", "identity.no_owner", "usage.stale", "credential.long_lived",
		"credential.no_expiry", "credential.expiring_in_use", "credential.expired_present",
		"credential.multiple_active", "app.unverified_publisher", "app.known_malicious",
		"app.breached_vendor", "app.impersonation", "app.deceptive_name", "grant.admin_user",
		"grant.tenant_wide", "grant.admin_consented", "identity.toxic_combination",
		"grant.native_app_broad", "app.broad_reach", "app.admin_consent_spread", "app.orphaned_grants"} {
		if !seen[id] {
			t.Errorf("signal %q missing from the catalogue", id)
		}
	}
}

// signalProblems lists what is wrong with a signal's declaration.
func signalProblems(s Signal) []string {
	var out []string
	add := func(cond bool, msg string) {
		if cond {
			out = append(out, msg)
		}
	}
	theme, name, _ := strings.Cut(s.ID, ".")
	add(theme == "" || name == "" || strings.Trim(s.ID, "abcdefghijklmnopqrstuvwxyz_.") != "",
		"ID is not <theme>.<name> in lowercase")
	add(s.Title == "" || strings.HasSuffix(s.Title, "."), "title missing or ends with a period")
	add(len(s.Rationale) < 60 || !strings.HasSuffix(s.Rationale, "."), "rationale missing, short or unfinished")
	add(len(s.OWASP) == 0, "no OWASP item")
	for i, id := range s.OWASP {
		add(OWASPTitle(id) == "", "OWASP item "+id+" is not NHI1:2025..NHI10:2025")
		add(strings.Contains(strings.Join(s.OWASP[:i], " "), id), "OWASP item "+id+" listed twice")
	}
	add(s.Subject != nhi.SubjectIdentity && s.Subject != nhi.SubjectApp, "subject is neither identity nor app")
	add(s.Severity.Rank() < nhi.SeverityLow.Rank(), "severity is not low, medium, high or critical")
	add(s.Weight < 1 || s.Weight > MaxPoints, "default weight outside 1..100")
	add(s.Match == nil, "no match function")
	add(len(s.Hits) == 0 || len(s.Misses) == 0, "needs at least one hit and one miss example")
	params := map[string]bool{}
	for _, p := range s.Params {
		add(p.Name == "" || p.Name == "weight" || params[p.Name], "parameter name empty, reserved or duplicate: "+p.Name)
		params[p.Name] = true
		add(p.Doc == "" || p.Unit == "", "parameter "+p.Name+" undocumented")
		add(p.Default < p.Min || p.Default > MaxParam || p.Value != p.Default, "parameter "+p.Name+" default out of range")
	}
	for _, ex := range append(append([]Example{}, s.Hits...), s.Misses...) {
		wrong := ex.Identity == nil || ex.App != nil
		if s.Subject == nhi.SubjectApp {
			wrong = ex.App == nil || ex.Identity != nil
		}
		add(ex.Name == "" || wrong, "example "+ex.Name+" unnamed or with the wrong kind of input")
	}
	return out
}

func TestSignalProblemsCatchesBadDeclarations(t *testing.T) {
	t.Parallel()
	good := Signals()[0]
	if p := signalProblems(good); len(p) != 0 {
		t.Fatalf("good signal rejected: %v", p)
	}
	tests := map[string]func(*Signal){
		"bad ID":         func(s *Signal) { s.ID = "Permission" },
		"no OWASP":       func(s *Signal) { s.OWASP = nil },
		"bad OWASP":      func(s *Signal) { s.OWASP = []string{"NHI11:2025"} },
		"no misses":      func(s *Signal) { s.Misses = nil },
		"info severity":  func(s *Signal) { s.Severity = nhi.SeverityInfo },
		"undocumented":   func(s *Signal) { s.Params = []Param{{Name: "days", Default: 1, Value: 1}} },
		"wrong example":  func(s *Signal) { s.Hits = []Example{{Name: "x", App: exApp()}} },
		"short rational": func(s *Signal) { s.Rationale = "Bad." },
	}
	for name, mod := range tests {
		s := good
		mod(&s)
		if len(signalProblems(s)) == 0 {
			t.Errorf("%s: passed", name)
		}
	}
}

func TestSignalExamplesEvaluateAsLabelled(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	for _, s := range e.Signals() {
		t.Run(s.ID, func(t *testing.T) {
			t.Parallel()
			for _, ex := range s.Hits {
				ev, hit, ok := e.evaluateExample(s.ID, ex)
				if !ok || !hit || len(ev) == 0 || strings.Contains(strings.Join(ev, "\n"), "\n\n") {
					t.Errorf("hit example %q: hit %v, evidence %q", ex.Name, hit, ev)
				}
			}
			for _, ex := range s.Misses {
				if ev, hit, ok := e.evaluateExample(s.ID, ex); !ok || hit || ev != nil {
					t.Errorf("miss example %q: hit %v, evidence %q", ex.Name, hit, ev)
				}
			}
		})
	}
}

func TestEveryParameterIsUsed(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	for _, s := range e.Signals() {
		asked := map[string]bool{}
		for _, ex := range append(append([]Example{}, s.Hits...), s.Misses...) {
			for _, name := range e.paramsAsked(s.ID, ex) {
				asked[name] = true
			}
		}
		for _, p := range s.Params {
			if !asked[p.Name] {
				t.Errorf("%s: parameter %s is never read by the examples", s.ID, p.Name)
			}
		}
	}
}

func TestBaselineExamplesHitNothing(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	if s := e.ScoreIdentity(exGrant()); s.Points != 0 || s.Contributions != nil {
		t.Errorf("baseline grant scored %+v", s)
	}
	if s := e.ScoreApp(exApp()); s.Points != 0 || s.Contributions != nil {
		t.Errorf("baseline app scored %+v", s)
	}
}

func TestParamPanicsOnUndeclaredName(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "usage.stale has no parameter nope") {
			t.Errorf("recovered %v", r)
		}
	}()
	x := &Eval{signal: "usage.stale", params: []paramValue{{"days", 90}}}
	if x.Param("days") != 90 {
		t.Error("declared parameter not returned")
	}
	x.Param("nope")
}
