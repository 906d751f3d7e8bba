package connectortest

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// scanTimeout bounds one Discover call of the suite.
const scanTimeout = 2 * time.Minute

// discover runs a scan that must succeed and returns what it reported and its cursor.
func discover(t *testing.T, inst *Instance, since nhi.Cursor) (*Recorder, nhi.Cursor) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), scanTimeout)
	defer cancel()
	rec := NewRecorder()
	cur, err := inst.Connector.Discover(ctx, since, rec)
	if err != nil {
		t.Fatalf("Discover(%q) = %v (code %s)", since, err, nhi.ErrorCode(err))
	}
	return rec, cur
}

// startScan starts an instance and runs a full scan of it.
func startScan(t *testing.T, h Harness, s Setup) (*Instance, *Recorder, nhi.Cursor) {
	t.Helper()
	inst := h.Start(t, s)
	rec, cur := discover(t, inst, "")
	return inst, rec, cur
}

// project reduces identities to what the ground truth knows of them, sorted.
func project(ids []nhi.Identity) []TruthIdentity {
	out := make([]TruthIdentity, 0, len(ids))
	for _, id := range ids {
		out = append(out, TruthIdentity{ExternalID: id.ExternalID, Kind: id.Kind, OwnerID: id.OwnerID,
			AppID: id.AppID, Scopes: id.Scopes()})
	}
	return normalTruth(out)
}

// normalTruth returns a sorted copy of ids with sorted scopes.
func normalTruth(ids []TruthIdentity) []TruthIdentity {
	out := make([]TruthIdentity, len(ids))
	for i, id := range ids {
		id.Scopes = slices.Sorted(slices.Values(id.Scopes))
		if len(id.Scopes) == 0 {
			id.Scopes = nil
		}
		out[i] = id
	}
	slices.SortFunc(out, func(a, b TruthIdentity) int {
		return cmp.Or(cmp.Compare(a.ExternalID, b.ExternalID), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// projectPeople reduces people to what the ground truth knows of them, sorted.
func projectPeople(ps []nhi.Person) []TruthPerson {
	out := make([]TruthPerson, 0, len(ps))
	for _, p := range ps {
		out = append(out, TruthPerson{ExternalID: p.ExternalID, Status: p.Status})
	}
	return normalPeople(out)
}

// normalPeople returns a sorted copy of ps.
func normalPeople(ps []TruthPerson) []TruthPerson {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b TruthPerson) int { return cmp.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// sortedIdentities returns the identities sorted by ID.
func sortedIdentities(ids []nhi.Identity) []nhi.Identity {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b nhi.Identity) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// sortedPeople returns the people sorted by external ID.
func sortedPeople(ps []nhi.Person) []nhi.Person {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b nhi.Person) int { return cmp.Compare(a.ExternalID, b.ExternalID) })
	return out
}

// byExternalID indexes identities by external ID.
func byExternalID(ids []nhi.Identity) map[string]nhi.Identity {
	m := make(map[string]nhi.Identity, len(ids))
	for _, id := range ids {
		m[id.ExternalID] = id
	}
	return m
}

// apply returns the inventory after an incremental scan: base, without the identities of
// the scopes the scan completed that it did not report, with what it reported.
func apply(base []nhi.Identity, scan *Recorder) []nhi.Identity {
	state := byExternalID(base)
	seen := byExternalID(scan.Identities())
	for _, scope := range scan.Completed() {
		for ext, id := range state {
			if _, ok := seen[ext]; !ok && id.Scope == scope {
				delete(state, ext)
			}
		}
	}
	for ext, id := range seen {
		state[ext] = id
	}
	out := make([]nhi.Identity, 0, len(state))
	for _, id := range state {
		out = append(out, id)
	}
	return out
}

// apiRequests returns the requests of reqs to API paths.
func apiRequests(reqs []Request) []Request {
	var out []Request
	for _, r := range reqs {
		if r.API {
			out = append(out, r)
		}
	}
	return out
}

// requestsSince returns the requests after the first n.
func requestsSince(inst *Instance, n int) []Request {
	reqs := inst.Requests()
	if n > len(reqs) {
		return nil
	}
	return reqs[n:]
}

// leaks returns the secrets that occur in text.
func leaks(text string, secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			out = append(out, s[:min(len(s), 12)]+"...")
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for concurrent writes, for a test logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
