package risk

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

func TestNewEngineRejectsBadOptions(t *testing.T) {
	t.Parallel()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params map[string]int
		want   []string // each must appear in the message
	}{
		{"unknown signal", map[string]int{"usage.rotten.days": 3}, []string{`"usage.rotten.days": no such signal parameter`}},
		{"unknown parameter", map[string]int{"usage.stale.weeks": 3}, []string{`"usage.stale.weeks": no such`}},
		{"no dot", map[string]int{"stale": 3}, []string{`"stale": no such`}},
		{"below minimum", map[string]int{"usage.stale.days": 0}, []string{`"usage.stale.days": 0 outside 1..36500`}},
		{"above maximum", map[string]int{"usage.stale.days": MaxParam + 1}, []string{"outside 1..36500"}},
		{"bad weight", map[string]int{"usage.stale.weight": 101}, []string{"weight 101 outside 0..100"}},
		{"negative weight", map[string]int{"usage.stale.weight": -1}, []string{"weight -1 outside"}},
		{"every problem at once", map[string]int{"a.b": 1, "usage.stale.days": -5, "app.broad_reach.users": 0},
			[]string{`"a.b"`, `"usage.stale.days"`, `"app.broad_reach.users"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewEngine(cat, nil, Options{Params: tt.params})
			var ne *nhi.Error
			if !errors.As(err, &ne) || ne.Code != nhi.CodeInvalid {
				t.Fatalf("err = %v, want an *nhi.Error with CodeInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(ne.Message, w) {
					t.Errorf("message %q lacks %q", ne.Message, w)
				}
			}
		})
	}
	if _, err := NewEngine(nil, nil, Options{}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("nil catalogue: err = %v", err)
	}
}

func TestOptionsOverrideParametersAndWeights(t *testing.T) {
	t.Parallel()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	stale120 := exGrant(used(400, 120), scopes(exMail))
	tests := []struct {
		name   string
		params map[string]int
		want   map[string]int // signal -> points
	}{
		{"defaults", nil, map[string]int{"usage.stale": 20, "permission.critical": 30, "identity.toxic_combination": 25}},
		{"longer staleness", map[string]int{"usage.stale.days": 200, "identity.toxic_combination.days": 200},
			map[string]int{"permission.critical": 30}},
		{"heavier weight", map[string]int{"permission.critical.weight": 50},
			map[string]int{"usage.stale": 20, "permission.critical": 50, "identity.toxic_combination": 25}},
		{"signal off", map[string]int{"identity.toxic_combination.weight": 0},
			map[string]int{"usage.stale": 20, "permission.critical": 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := NewEngine(cat, nil, Options{Params: tt.params})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range e.ScoreIdentity(stale120).Contributions {
				got[c.Signal] = c.Points
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("contributions (-want +got):\n%s", d)
			}
			for name, v := range tt.params {
				if got := configured(e, name); got != v {
					t.Errorf("Signals() shows %s = %d, want %d", name, got, v)
				}
			}
		})
	}
}

// configured returns the value in effect of a "<signal>.<param>" name, as Signals shows it.
func configured(e *Engine, name string) int {
	id, param, _ := cutLast(name, ".")
	s, _ := e.Signal(id)
	if param == "weight" {
		return s.Weight
	}
	for _, p := range s.Params {
		if p.Name == param {
			return p.Value
		}
	}
	return -1
}

func TestSignalsReturnsCopies(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	s := e.Signals()
	s[0].Weight, s[0].OWASP[0] = 99, "changed"
	for i := range s {
		for j := range s[i].Params {
			s[i].Params[j].Value = 1
		}
	}
	again, _ := e.Signal(s[0].ID)
	stale, _ := e.Signal("usage.stale")
	if again.Weight == 99 || again.OWASP[0] == "changed" || stale.Params[0].Value != 90 {
		t.Errorf("engine changed through Signals(): %+v %+v", again, stale.Params)
	}
	if _, ok := e.Signal("no.such"); ok {
		t.Error("Signal found an unknown ID")
	}
}

func TestScoreIdentityExplainsItself(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	in := exGrant(owner(nhi.PersonDeparted, false), used(400, 120), scopes("openid", exMail, exReadMail))
	got := e.ScoreIdentity(in)
	want := Score{Points: 100, Severity: nhi.SeverityCritical, Contributions: []Contribution{
		{Signal: "owner.departed", Title: "Owner has left", Severity: nhi.SeverityHigh, Points: 35,
			OWASP: []string{"NHI1:2025"}, Evidence: []string{"owner alice@example.com departed, last signed in 2026-05-31, 1 day ago"}},
		{Signal: "permission.critical", Title: "Holds a critical permission", Severity: nhi.SeverityHigh, Points: 30,
			OWASP:    []string{"NHI5:2025"},
			Evidence: []string{"holds https://mail.google.com/ (critical: mail; platform label restricted)"}},
		{Signal: "identity.toxic_combination", Title: "Stale and over-privileged", Severity: nhi.SeverityCritical,
			Points: 25, OWASP: []string{"NHI1:2025", "NHI5:2025"}, Evidence: []string{
				"last used 2026-02-01, 120 days ago",
				"holds https://mail.google.com/ (critical: mail; platform label restricted)",
				"holds https://www.googleapis.com/auth/gmail.readonly (high: mail; platform label restricted)"}},
		{Signal: "usage.stale", Title: "Not used for a long time", Severity: nhi.SeverityMedium, Points: 20,
			OWASP: []string{"NHI1:2025"}, Evidence: []string{"last used 2026-02-01, 120 days ago"}},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("score (-want +got):\n%s", d)
	}
	if nilScore := e.ScoreIdentity(nil); nilScore.Severity != nhi.SeverityInfo || nilScore.Points != 0 {
		t.Errorf("nil input scored %+v", nilScore)
	}
}

func TestScoreAppAggregatesGrants(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	in := exApp(appScopes(40, "openid", exMail), func(in *AppInput) {
		in.Admins = 5
		in.App.Anonymous = true
		in.Owners = map[nhi.PersonStatus]int{nhi.PersonActive: 30, nhi.PersonSuspended: 6, nhi.PersonDeparted: 4}
	})
	got := map[string]int{}
	s := e.ScoreApp(in)
	for _, c := range s.Contributions {
		got[c.Signal] = c.Points
	}
	want := map[string]int{"app.critical_scopes": 30, "app.broad_reach": 20, "app.admin_consent_spread": 15,
		"app.orphaned_grants": 15, "app.unverified_publisher": 15}
	if d := cmp.Diff(want, got); d != "" || s.Points != 95 || s.Severity != nhi.SeverityCritical {
		t.Errorf("points %d severity %s; contributions (-want +got):\n%s", s.Points, s.Severity, d)
	}
	if s := e.ScoreApp(nil); s.Severity != nhi.SeverityInfo {
		t.Errorf("nil input scored %+v", s)
	}
}

func TestEngineIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	in := exGrant(owner(nhi.PersonSuspended, true), used(unset, unset), scopes(exMail, exUnknown))
	want := e.ScoreIdentity(in)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if d := cmp.Diff(want, e.ScoreIdentity(in)); d != "" {
					errs <- d
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for d := range errs {
		t.Errorf("concurrent score differs:\n%s", d)
	}
}

func TestZeroNowDisablesTimeSignals(t *testing.T) {
	t.Parallel()
	e := defaultEngine(t)
	in := exGrant(used(unset, unset), cred("k1", 400, 200, -20), func(in *IdentityInput) {
		in.Owner.LastLogin = daysAgo(400)
	})
	timed := func() []string {
		var out []string
		for _, c := range e.ScoreIdentity(in).Contributions {
			switch c.Signal {
			case "usage.stale", "owner.dormant", "credential.expired_present":
				out = append(out, c.Signal)
			}
		}
		return out
	}
	if got := timed(); len(got) != 3 {
		t.Errorf("with a time of evaluation %v hit, want all three", got)
	}
	in.Now = time.Time{}
	if got := timed(); got != nil {
		t.Errorf("without a time of evaluation %v hit", got)
	}
}
