package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/web"
)

const offboarding = "nhi1.offboarded_owner_grant"

// defaultPolicies compiles the built-in policy pack.
func defaultPolicies(t *testing.T) *policy.Set {
	t.Helper()
	files, err := policy.DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.Compile(policy.Options{Catalogue: cat}, files...)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// policyJSON is the part of a listed policy the tests read.
type policyJSON struct {
	Name, When, Mode, Approval string
	OWASP                      []string
	Then                       []struct{ Type string }
}

func TestListPolicies(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	set := defaultPolicies(t)
	viewer := signIn(t, w.server(t, web.Config{Policies: set}), "viewer")
	var got list[policyJSON]
	viewer.get("/api/v1/policies", &got)
	if len(got.Items) != len(set.Policies()) {
		t.Fatalf("%d policies listed, the set has %d", len(got.Items), len(set.Policies()))
	}
	found := false
	for _, p := range got.Items {
		if p.When == "" || p.Mode == "" || p.Approval == "" || len(p.Then) == 0 || len(p.OWASP) == 0 {
			t.Errorf("policy listed without when, mode, approval, then or OWASP items: %+v", p)
		}
		found = found || p.Name == offboarding
	}
	if !found {
		t.Errorf("%s is not listed", offboarding)
	}
	none := signIn(t, w.server(t, web.Config{}), "viewer")
	if r := none.get("/api/v1/policies", nil); strings.TrimSpace(string(r.body)) != `{"items":[],"next_cursor":""}` {
		t.Errorf("without policies: %s", r.body)
	}
	if r := none.do("GET", "/api/v1/policies?x=1", nil); r.status != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d", r.status)
	}
	if r := newClient(t, w.server(t, web.Config{})).do("GET", "/api/v1/policies", nil); r.status != http.StatusUnauthorized {
		t.Errorf("signed out: %d", r.status)
	}
}

// previewJSON is the answer of a preview, as the tests read it.
type previewJSON struct {
	Counts []struct {
		Policy, Action string
		Count          int
		IdentityCount  int `json:"identity_count"`
		Proposals      []struct {
			IdentityID string `json:"identity_id"`
			Name       string
			Action     string
		}
	}
	Failures   []struct{ Policy string }
	Identities int
	Complete   bool
	Stopped    string
	Message    string
	Bounds     struct {
		MaxIdentities int `json:"max_identities"`
		Sample        int
	}
}

func TestPolicyPreview(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{Policies: defaultPolicies(t)})
	analyst := signIn(t, ts, "analyst")
	var all previewJSON
	decodeInto(t, analyst.do("POST", "/api/v1/policies/preview", map[string]any{}), &all)
	present, err := w.db.ListIdentities(context.Background(), storeAll())
	if err != nil {
		t.Fatal(err)
	}
	if !all.Complete || all.Identities != len(present.Items) || all.Stopped != "" || len(all.Counts) == 0 {
		t.Fatalf("preview of everything: %+v (%d identities present)", all, len(present.Items))
	}
	for _, c := range all.Counts {
		if len(c.Proposals) != min(c.Count, all.Bounds.Sample) || c.IdentityCount == 0 {
			t.Errorf("%s %s: %d proposals shown of %d (sample %d)", c.Policy, c.Action, len(c.Proposals), c.Count, all.Bounds.Sample)
		}
		for _, p := range c.Proposals {
			if p.Action != c.Action || p.Name == "" {
				t.Errorf("%s %s shows proposal %+v", c.Policy, c.Action, p)
			}
		}
	}
	var one previewJSON
	decodeInto(t, analyst.do("POST", "/api/v1/policies/preview", map[string]any{"policy": offboarding}), &one)
	if len(one.Counts) == 0 {
		t.Errorf("the offboarding policy proposes nothing: %+v", one)
	}
	for _, c := range one.Counts {
		if c.Policy != offboarding {
			t.Errorf("preview of %s counts %s", offboarding, c.Policy)
		}
	}
	var bounded previewJSON
	decodeInto(t, analyst.do("POST", "/api/v1/policies/preview", map[string]any{"max_identities": 3}), &bounded)
	if bounded.Complete || bounded.Identities != 3 || bounded.Stopped != "max_identities" || !strings.Contains(bounded.Message, "stopped after 3") {
		t.Errorf("bounded preview: %+v", bounded)
	}
	// A preview proposes nothing: no plan of the policy exists afterwards.
	if plans, err := w.db.ListPlans(context.Background(), store.PlanFilter{Policy: offboarding}); err != nil || len(plans.Items) != 0 {
		t.Errorf("plans after previews: %v %v", plans.Items, err)
	}
}

func TestPolicyPreviewErrors(t *testing.T) {
	t.Parallel()
	w := sharedWorld(t)
	ts := w.server(t, web.Config{Policies: defaultPolicies(t)})
	analyst, viewer := signIn(t, ts, "analyst"), signIn(t, ts, "viewer")
	none := signIn(t, w.server(t, web.Config{}), "analyst")
	tests := []struct {
		name   string
		c      *client
		body   any
		status int
		code   nhi.Code
		msg    string
	}{
		{"viewer", viewer, map[string]any{}, http.StatusForbidden, nhi.CodeForbidden, ""},
		{"unknown policy", analyst, map[string]any{"policy": "no.such<b>"}, http.StatusNotFound, nhi.CodeNotFound, "no policy named"},
		{"negative bound", analyst, map[string]any{"max_identities": -1}, http.StatusBadRequest, nhi.CodeInvalid, "max_identities"},
		{"unknown field", analyst, map[string]any{"limit": 3}, http.StatusBadRequest, nhi.CodeInvalid, "not a valid JSON object"},
		{"wrong type", analyst, map[string]any{"policy": 3}, http.StatusBadRequest, nhi.CodeInvalid, `field "policy"`},
		{"no policies", none, map[string]any{}, http.StatusNotFound, nhi.CodeNotFound, "evaluates no policies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.do("POST", "/api/v1/policies/preview", tt.body)
			code, msg := errorOf(t, r)
			if r.status != tt.status || code != string(tt.code) || !strings.Contains(msg, tt.msg) {
				t.Errorf("%d %s %q; want %d %s %q", r.status, code, msg, tt.status, tt.code, tt.msg)
			}
		})
	}
	r := analyst.doWith("POST", "/api/v1/policies/preview", map[string]any{}, map[string]string{"Content-Type": "text/plain"})
	if r.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d %s", r.status, r.body)
	}
	if r := analyst.do("GET", "/api/v1/policies/preview", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET preview: %d", r.status)
	}
}
