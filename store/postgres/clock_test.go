package postgres

import (
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// TestClock checks that the injected clock stamps what the caller leaves zero.
func TestClock(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	st, _ := openDB(t, WithClock(func() time.Time { return now }), WithMaxConns(2))
	s, err := st.BeginScan(t.Context(), nhi.Scan{Connector: "c", Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01"})
	if err != nil || !s.StartedAt.Equal(now) {
		t.Fatalf("BeginScan = %+v, %v; want StartedAt %v", s, err, now)
	}
	id := nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C01", Kind: nhi.KindAPIKey, ExternalID: "k"}
	if err := st.PutIdentities(t.Context(), s.ID, time.Time{}, []nhi.Identity{id}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Identity(t.Context(), nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID))
	if err != nil || !got.FirstSeen.Equal(now) || !got.LastSeen.Equal(now) {
		t.Errorf("Identity = %+v, %v; want first and last seen %v", got, err, now)
	}
	if got := st.pool.Config().MaxConns; got != 2 {
		t.Errorf("MaxConns = %d, want 2", got)
	}
}
