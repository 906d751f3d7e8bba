package connectortest

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"regexp"
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
			AppID: id.AppID, Scopes: id.Scopes(), CreatedAt: id.CreatedAt, LastUsedAt: id.LastUsedAt,
			Attributes: compared(id.Attributes)})
	}
	return normalTruth(out)
}

// compared returns the attributes among ComparedAttributes, or nil for none.
func compared(attrs map[string]string) map[string]string {
	var out map[string]string
	for _, k := range ComparedAttributes() {
		if v, ok := attrs[k]; ok {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// second truncates t to the second, in UTC; the zero time stays zero.
func second(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Second).UTC()
}

// normalTruth returns a sorted copy of ids with sorted scopes.
func normalTruth(ids []TruthIdentity) []TruthIdentity {
	out := make([]TruthIdentity, len(ids))
	for i, id := range ids {
		id.Scopes = slices.Sorted(slices.Values(id.Scopes))
		if len(id.Scopes) == 0 {
			id.Scopes = nil
		}
		id.CreatedAt, id.LastUsedAt = second(id.CreatedAt), second(id.LastUsedAt)
		if len(id.Attributes) == 0 {
			id.Attributes = nil
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
		out = append(out, TruthPerson{ExternalID: p.ExternalID, Status: p.Status, IsAdmin: p.IsAdmin,
			Email: p.Email, Name: p.Name})
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
// the scopes the scan completed that it did not report, with what it reported merged in
// as a store does (see merge).
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
		if old, ok := state[ext]; ok {
			id = merge(old, id)
		}
		state[ext] = id
	}
	out := make([]nhi.Identity, 0, len(state))
	for _, id := range state {
		out = append(out, id)
	}
	return out
}

// merge returns id, reported again, as the inventory keeps it over old: an unknown (zero)
// time keeps the known one, LastUsedAt never moves backwards, and an attribute the
// connector no longer reports (it could not tell this scan) keeps its old value.
func merge(old, id nhi.Identity) nhi.Identity {
	if id.CreatedAt.IsZero() {
		id.CreatedAt = old.CreatedAt
	}
	if old.LastUsedAt.After(id.LastUsedAt) {
		id.LastUsedAt = old.LastUsedAt
	}
	attrs := maps.Clone(old.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	maps.Copy(attrs, id.Attributes)
	id.Attributes = attrs
	return id
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

// bearerPattern matches an HTTP bearer credential ("Authorization: Bearer ya29.a0...").
var bearerPattern = regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._~+/=-]{8,}`)

// leaks returns the secrets that occur in text, and the matches of the patterns, shortened.
func leaks(text string, secrets []string, patterns ...*regexp.Regexp) []string {
	var out []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			out = append(out, s[:min(len(s), 12)]+"...")
		}
	}
	for _, p := range patterns {
		for _, m := range p.FindAllString(text, 3) {
			out = append(out, m[:min(len(m), 12)]+"...")
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
