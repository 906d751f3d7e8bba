package storetest

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// testScans checks BeginScan, FinishScan, Scan and ListScans.
func testScans(t *testing.T, s suite) {
	t.Run("BeginAssignsIDAndStart", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		in := nhi.Scan{Connector: "google-prod", Platform: gws, Tenant: "C01", Full: true}
		a, err := st.BeginScan(t.Context(), in)
		if err != nil {
			t.Fatalf("BeginScan: %v", err)
		}
		if a.ID == "" || a.StartedAt.IsZero() || a.Status != nhi.ScanRunning {
			t.Errorf("BeginScan = %+v, want an ID, a start and status running", a)
		}
		checkUTC(t, "BeginScan", a.StartedAt)
		want := in
		want.ID, want.StartedAt, want.Status = a.ID, a.StartedAt, nhi.ScanRunning
		if d := diff(want, a); d != "" {
			t.Errorf("BeginScan (-want +got):\n%s", d)
		}
		b, err := st.BeginScan(t.Context(), in)
		if err != nil {
			t.Fatalf("BeginScan: %v", err)
		}
		if b.ID == a.ID {
			t.Errorf("two scans share ID %q", a.ID)
		}
		got, err := st.Scan(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Scan: %v", err)
		}
		if d := diff(a, got); d != "" {
			t.Errorf("Scan (-want +got):\n%s", d)
		}
	})
	t.Run("BeginKeepsStart", func(t *testing.T) {
		t.Parallel()
		st := s.store(t)
		a, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: gws, Tenant: "C01", StartedAt: at(0)})
		if err != nil {
			t.Fatalf("BeginScan: %v", err)
		}
		if !a.StartedAt.Equal(at(0)) {
			t.Errorf("StartedAt = %v, want %v", a.StartedAt, at(0))
		}
		checkUTC(t, "BeginScan", a.StartedAt)
	})
	t.Run("FinishRoundTrip", func(t *testing.T) { t.Parallel(); testFinishScan(t, s) })
	t.Run("FinishErrors", func(t *testing.T) { t.Parallel(); testFinishErrors(t, s) })
	t.Run("List", func(t *testing.T) { t.Parallel(); testListScans(t, s) })
}

// testFinishScan checks that FinishScan records everything it is given.
func testFinishScan(t *testing.T, s suite) {
	st := s.store(t)
	a, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: gws, Tenant: "C01", StartedAt: at(0)})
	if err != nil {
		t.Fatalf("BeginScan: %v", err)
	}
	fin := a
	fin.Status, fin.FinishedAt = nhi.ScanPartial, at(time.Minute)
	fin.Tenant = "C01-learned" // the tenant a connector learned while scanning
	fin.Counts = nhi.ScanCounts{People: 1, Apps: 2, Identities: 3, Gone: 4, Failures: 5, Requests: 6, Throttled: 7}
	fin.Errors = []string{`<script>alert("x")</script>`, "Zoë — 日本語 🚀"}
	if err := st.FinishScan(t.Context(), fin); err != nil {
		t.Fatalf("FinishScan: %v", err)
	}
	got, err := st.Scan(t.Context(), a.ID)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if d := diff(fin, got); d != "" {
		t.Errorf("Scan after FinishScan (-want +got):\n%s", d)
	}
	checkUTC(t, "Scan", got.StartedAt, got.FinishedAt)

	b, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: gws, Tenant: "C01"})
	if err != nil {
		t.Fatalf("BeginScan: %v", err)
	}
	b.Status = nhi.ScanSucceeded
	if err := st.FinishScan(t.Context(), b); err != nil {
		t.Fatalf("FinishScan: %v", err)
	}
	got, err = st.Scan(t.Context(), b.ID)
	if err != nil || got.FinishedAt.IsZero() || got.Status != nhi.ScanSucceeded {
		t.Errorf("Scan after FinishScan without FinishedAt = %+v, %v; want it finished and succeeded", got, err)
	}
}

// testFinishErrors checks the errors of FinishScan and Scan.
func testFinishErrors(t *testing.T, s suite) {
	st := s.store(t)
	id := begin(t, st, gws, "C01")
	tests := []struct {
		name string
		scan nhi.Scan
		want nhi.Code
	}{
		{"unknown scan", nhi.Scan{ID: "no-such-scan", Status: nhi.ScanSucceeded}, nhi.CodeNotFound},
		{"still running", nhi.Scan{ID: id, Status: nhi.ScanRunning}, nhi.CodeInvalid},
		{"no status", nhi.Scan{ID: id}, nhi.CodeInvalid},
		{"unknown status", nhi.Scan{ID: id, Status: "exploded"}, nhi.CodeInvalid},
	}
	for _, tc := range tests {
		wantCode(t, "FinishScan "+tc.name, st.FinishScan(t.Context(), tc.scan), tc.want)
	}
	_, err := st.Scan(t.Context(), "no-such-scan")
	wantCode(t, "Scan of an unknown ID", err, nhi.CodeNotFound)
	got, err := st.Scan(t.Context(), id)
	if err != nil || got.Status != nhi.ScanRunning {
		t.Errorf("Scan after refused finishes = %+v, %v; want it still running", got, err)
	}
}

// testListScans checks the order, filter and limit of ListScans.
func testListScans(t *testing.T, s suite) {
	st := s.store(t)
	ids := map[string]string{}
	for _, b := range []struct {
		name, connector string
		start           time.Time
	}{
		{"s1", "a", at(0)}, {"s2", "a", at(2 * time.Hour)}, {"s3", "b", at(time.Hour)}, {"s4", "a", at(time.Hour)},
	} {
		sc, err := st.BeginScan(t.Context(), nhi.Scan{Connector: b.connector, Platform: gws, Tenant: "C01", StartedAt: b.start})
		if err != nil {
			t.Fatalf("BeginScan: %v", err)
		}
		ids[b.name] = sc.ID
	}
	tests := []struct {
		name   string
		filter store.ScanFilter
		want   []string
	}{
		{"all", store.ScanFilter{}, []string{"s2", "s4", "s3", "s1"}},
		{"connector", store.ScanFilter{Connector: "a"}, []string{"s2", "s4", "s1"}},
		{"limit", store.ScanFilter{Limit: 2}, []string{"s2", "s4"}},
		{"above max limit", store.ScanFilter{Limit: store.MaxLimit + 1}, []string{"s2", "s4", "s3", "s1"}},
		{"unknown connector", store.ScanFilter{Connector: "z"}, nil},
	}
	for _, tc := range tests {
		got, err := st.ListScans(t.Context(), tc.filter)
		if err != nil {
			t.Fatalf("ListScans %s: %v", tc.name, err)
		}
		var want []string
		for _, n := range tc.want {
			want = append(want, ids[n])
		}
		var gotIDs []string
		for _, sc := range got {
			gotIDs = append(gotIDs, sc.ID)
		}
		if d := diff(want, gotIDs); d != "" {
			t.Errorf("ListScans %s (-want +got):\n%s", tc.name, d)
		}
	}
	_, err := st.ListScans(t.Context(), store.ScanFilter{Limit: -1})
	wantCode(t, "ListScans with a negative limit", err, nhi.CodeInvalid)
}
