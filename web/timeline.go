package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The bounds of one identity's timeline: it reads the newest timelineWindow entries of
// the audit trail, the newest timelineWindow drift changes of the identity's tenant since
// it was first seen, and looks into at most timelinePlans plans proposed in that window.
const (
	timelineWindow = 20_000
	timelinePlans  = 200
)

// timelineEvent is one thing known of an identity, at a time.
type timelineEvent struct {
	At time.Time `json:"at"`
	// Kind is created, first_seen, last_used or gone, a change kind
	// ("permissions.changed"), finding.opened, finding.resolved or finding.suppressed, or
	// an audit kind ("plan.created", "action.finished").
	Kind string `json:"kind"`
	// Title says what happened; Detail adds to it. Both may hold untrusted text.
	Title     string `json:"title"`
	Detail    string `json:"detail,omitempty"`
	Actor     string `json:"actor,omitempty"`
	FindingID string `json:"finding_id,omitempty"`
	PlanID    string `json:"plan_id,omitempty"`
}

// timelineBody is the answer of GET /api/v1/identities/{id}/timeline: the events oldest
// first. Complete is false when the audit trail, the changes or the plans were read only
// in part; Notes say which.
type timelineBody struct {
	Items    []timelineEvent `json:"items"`
	Complete bool            `json:"complete"`
	Notes    []string        `json:"notes"`
}

// identityTimeline answers what is known of one identity over time: its own dates, the
// drift changes of it, its findings opening and closing, and the plans and actions that
// touched it.
func (s *Server) identityTimeline(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ctx := r.Context()
	if err := newQuery(r).err(); err != nil {
		return err
	}
	id, err := s.st.Identity(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	tl := &timelineBody{Items: ownEvents(id), Notes: []string{}}
	for _, add := range []func(context.Context, *timelineBody, nhi.Identity) error{s.findingEvents, s.changeEvents, s.auditEvents} {
		if err := add(ctx, tl, id); err != nil {
			return err
		}
	}
	tl.Complete = len(tl.Notes) == 0
	slices.SortStableFunc(tl.Items, func(a, b timelineEvent) int { return a.At.Compare(b.At) })
	writeJSON(w, http.StatusOK, tl)
	return nil
}

// ownEvents are the dates the identity carries.
func ownEvents(id nhi.Identity) []timelineEvent {
	var out []timelineEvent
	for _, e := range []timelineEvent{
		{At: id.CreatedAt, Kind: "created", Title: "Created on " + string(id.Platform)},
		{At: id.FirstSeen, Kind: "first_seen", Title: "First seen by nhi"},
		{At: id.LastUsedAt, Kind: "last_used", Title: "Last used"},
		{At: id.GoneAt, Kind: "gone", Title: "Gone from the tenant"},
	} {
		if !e.At.IsZero() {
			out = append(out, e)
		}
	}
	return out
}

// findingEvents adds when each finding of the identity was first seen, suppressed and
// resolved.
func (s *Server) findingEvents(ctx context.Context, tl *timelineBody, id nhi.Identity) error {
	for _, st := range []nhi.FindingStatus{"", nhi.FindingResolved} {
		p, err := s.st.ListFindings(ctx, store.FindingFilter{SubjectKind: nhi.SubjectIdentity, SubjectID: id.ID,
			Status: st, Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		if p.Next != "" {
			tl.Notes = append(tl.Notes, "only the first findings are shown")
		}
		for _, f := range p.Items {
			tl.Items = append(tl.Items, timelineEvent{At: f.FirstSeen, Kind: "finding.opened", Title: "Finding: " + f.Title,
				Detail: string(f.Severity), FindingID: f.ID})
			if sp := f.Suppression; sp != nil && !sp.At.IsZero() {
				tl.Items = append(tl.Items, timelineEvent{At: sp.At, Kind: "finding.suppressed", Title: "Finding suppressed: " + f.Title,
					Detail: sp.Reason, Actor: sp.Author, FindingID: f.ID})
			}
			if !f.ResolvedAt.IsZero() {
				tl.Items = append(tl.Items, timelineEvent{At: f.ResolvedAt, Kind: "finding.resolved", Title: "Finding resolved: " + f.Title,
					FindingID: f.ID})
			}
		}
	}
	return nil
}

// changeEvents adds the drift changes of the identity: the newest timelineWindow changes
// of its tenant since shortly before it was first seen.
func (s *Server) changeEvents(ctx context.Context, tl *timelineBody, id nhi.Identity) error {
	f := store.ChangeFilter{Platform: id.Platform, Tenant: id.Tenant}
	if !id.FirstSeen.IsZero() {
		f.Since = id.FirstSeen.Add(-time.Hour)
	}
	list := func(after int64, limit int) ([]nhi.Change, error) {
		f.After, f.Limit = after, limit
		return s.st.ListChanges(ctx, f)
	}
	from, complete, err := window(list, func(c nhi.Change) int64 { return c.Seq })
	if err != nil {
		return err
	}
	if !complete {
		tl.Notes = append(tl.Notes, "only the newest changes of the tenant were read")
	}
	return readAfter(from, list, func(c nhi.Change) int64 { return c.Seq }, func(c nhi.Change) {
		if c.Subject != id.ID {
			return
		}
		tl.Items = append(tl.Items, timelineEvent{At: c.At, Kind: string(c.Kind), Title: changeTitle(c.Kind),
			Detail: changeDetail(c.Before, c.After)})
	})
}

// changeTitle says what a change kind means.
func changeTitle(k nhi.ChangeKind) string {
	switch k {
	case nhi.ChangeIdentityAdded:
		return "Appeared in the tenant"
	case nhi.ChangePermissionsChanged:
		return "Permissions changed"
	case nhi.ChangeCredentialsChanged:
		return "Credentials changed"
	}
	return string(k)
}

// changeDetail lists what a change added and removed.
func changeDetail(before, after []string) string {
	var parts []string
	for _, a := range after {
		if !slices.Contains(before, a) {
			parts = append(parts, "+"+a)
		}
	}
	for _, b := range before {
		if !slices.Contains(after, b) {
			parts = append(parts, "-"+b)
		}
	}
	return strings.Join(parts, " ")
}
