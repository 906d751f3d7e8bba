package scan_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

const offboarding = "nhi1.offboarded_owner_grant"

// planIdentities returns the identities the actions of the policy's proposed plans name.
func planIdentities(t *testing.T, db store.Store, policyName string) []string {
	t.Helper()
	var out []string
	for _, p := range plansOf(t, db, policyName, nhi.PlanProposed) {
		full, err := db.Plan(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range full.Actions {
			out = append(out, a.IdentityID)
		}
	}
	sort.Strings(out)
	return out
}

// previewIdentities returns the identities the preview's proposals of one policy name.
func previewIdentities(p *scan.Preview, policyName string) []string {
	var out []string
	for _, pr := range p.Proposals {
		if pr.Policy == policyName {
			out = append(out, pr.Action.IdentityID)
		}
	}
	sort.Strings(out)
	return out
}

// TestPreviewPolicies scans one tenant with the built-in policies, then previews them:
// whole, bounded and filtered, and after a person accepted a risk (last: it writes).
func TestPreviewPolicies(t *testing.T) {
	t.Parallel()
	db, rescan := policyTenant(t)
	set := compilePolicies(t)
	rescan(set)
	t.Run("agrees with the scan", func(t *testing.T) { previewAgreesWithScan(t, db, set) })
	t.Run("bounds and filter", func(t *testing.T) { previewBoundsAndFilter(t, db, set) })
	t.Run("accepted risk", func(t *testing.T) { previewLeavesOutAcceptedRisk(t, db, set) })
}

// previewAgreesWithScan previews every policy and finds the identities the scan's
// offboarding plan names, counts that match the proposals, and nothing written.
func previewAgreesWithScan(t *testing.T, db store.Store, set *policy.Set) {
	ctx := context.Background()
	want := planIdentities(t, db, offboarding)
	audit, err := db.ListAudit(ctx, store.AuditFilter{Limit: store.MaxLimit})
	if err != nil || len(want) == 0 {
		t.Fatalf("scan proposed %v (audit %v)", want, err)
	}

	p, err := scan.PreviewPolicies(ctx, db, set, scan.PreviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, previewIdentities(p, offboarding)); diff != "" {
		t.Errorf("offboarding identities (-scan's plan +preview):\n%s", diff)
	}
	counted := map[[2]string]int{}
	for _, pr := range p.Proposals {
		counted[[2]string{pr.Policy, string(pr.Action.Type)}]++
	}
	for _, c := range p.Counts {
		if n := counted[[2]string{c.Policy, string(c.Action)}]; n != c.Count || c.IdentityCount == 0 || c.IdentityCount > p.Identities {
			t.Errorf("count %+v: %d proposals listed, %d identities evaluated", c, n, p.Identities)
		}
	}
	all, _, _ := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		return db.ListIdentities(ctx, store.IdentityFilter{Limit: lim, After: after})
	}, func(nhi.Identity) error { return nil })
	if p.Identities != all || p.Stopped != "" {
		t.Errorf("evaluated %d of %d identities, stopped %q", p.Identities, all, p.Stopped)
	}
	after, err := db.ListAudit(ctx, store.AuditFilter{Limit: store.MaxLimit})
	if err != nil || len(after) != len(audit) || !slices.Equal(planIdentities(t, db, offboarding), want) {
		t.Errorf("the preview wrote: %d audit entries before, %d after (%v)", len(audit), len(after), err)
	}
}

// previewBoundsAndFilter stops previews at their bounds and filters them to one policy.
func previewBoundsAndFilter(t *testing.T, db store.Store, set *policy.Set) {
	ctx := context.Background()
	tests := []struct {
		name  string
		o     scan.PreviewOptions
		check func(*testing.T, *scan.Preview)
	}{
		{"max identities", scan.PreviewOptions{MaxIdentities: 5}, func(t *testing.T, p *scan.Preview) {
			if p.Identities != 5 || p.Stopped != scan.StoppedIdentities {
				t.Errorf("identities %d, stopped %q", p.Identities, p.Stopped)
			}
		}},
		{"time budget", scan.PreviewOptions{Budget: time.Nanosecond}, func(t *testing.T, p *scan.Preview) {
			if p.Identities != 1 || p.Stopped != scan.StoppedTime {
				t.Errorf("identities %d, stopped %q", p.Identities, p.Stopped)
			}
		}},
		{"one policy", scan.PreviewOptions{Policy: offboarding}, func(t *testing.T, p *scan.Preview) {
			if len(p.Counts) == 0 {
				t.Fatal("no counts")
			}
			for _, c := range p.Counts {
				if c.Policy != offboarding {
					t.Errorf("count of another policy: %+v", c)
				}
			}
		}},
		{"sample", scan.PreviewOptions{Policy: offboarding, Sample: 1}, func(t *testing.T, p *scan.Preview) {
			if len(p.Proposals) != len(p.Counts) || p.Counts[0].Count < 2 {
				t.Errorf("%d proposals kept for counts %+v; want one each", len(p.Proposals), p.Counts)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := scan.PreviewPolicies(ctx, db, set, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
	for _, name := range []string{"no.such_policy"} {
		if _, err := scan.PreviewPolicies(ctx, db, set, scan.PreviewOptions{Policy: name}); nhi.ErrorCode(err) != nhi.CodeNotFound {
			t.Errorf("policy %q: err %v, want not found", name, err)
		}
	}
	if _, err := scan.PreviewPolicies(ctx, db, nil, scan.PreviewOptions{}); nhi.ErrorCode(err) != nhi.CodeNotFound {
		t.Errorf("nil set: err %v, want not found", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := scan.PreviewPolicies(canceled, db, set, scan.PreviewOptions{}); err == nil {
		t.Error("a canceled preview succeeded")
	}
}

// previewLeavesOutAcceptedRisk suppresses a finding behind an offboarding proposal and
// finds that proposal gone from the next preview.
func previewLeavesOutAcceptedRisk(t *testing.T, db store.Store, set *policy.Set) {
	ctx := context.Background()
	before, err := scan.PreviewPolicies(ctx, db, set, scan.PreviewOptions{Policy: offboarding})
	if err != nil || len(before.Proposals) == 0 {
		t.Fatalf("preview: %v %+v", err, before)
	}
	accepted := before.Proposals[0].Action.IdentityID
	page, err := db.ListFindings(ctx, store.FindingFilter{SubjectID: accepted, Signal: "owner.suspended"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("owner.suspended finding of %s: %v %v", accepted, page.Items, err)
	}
	if _, err := db.SuppressFinding(ctx, page.Items[0].ID, nhi.Suppression{Reason: "break-glass", Author: "dana", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	after, err := scan.PreviewPolicies(ctx, db, set, scan.PreviewOptions{Policy: offboarding})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(previewIdentities(after, offboarding), accepted) || after.Accepted == 0 ||
		len(after.Proposals) != len(before.Proposals)-1 {
		t.Errorf("after accepting %s: %d proposals (was %d), accepted %d", accepted, len(after.Proposals), len(before.Proposals), after.Accepted)
	}
}
