package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// searchBudget is how many identities one page of a text search (q=) reads at most; the
// store has no name index, so a rare match pages on with a cursor instead of scanning the
// whole inventory in one request.
const searchBudget = 10_000

// identityFilter reads the filters of the identities list and export.
func identityFilter(q *query) store.IdentityFilter {
	f := store.IdentityFilter{Platform: nhi.Platform(q.str("platform")), Tenant: q.str("tenant"),
		Kind: nhi.Kind(q.oneOf("kind", names(nhi.Kinds())...)), AppID: q.str("app"), Owner: q.str("owner"),
		OwnerStatus: nhi.PersonStatus(q.oneOf("owner_status", "active", "suspended", "departed", "unknown")),
		IncludeGone: q.oneOf("include_gone", "true", "false") == "true"}
	return f
}

// identitySort reads sort= of the identities list: one of the store's orders, or one
// with a leading "-" for the reverse order ("-last_used" puts the never used first, then
// the least recently used).
func identitySort(q *query) (store.IdentitySort, bool) {
	var values []string
	for _, s := range store.IdentitySorts() {
		values = append(values, string(s), "-"+string(s))
	}
	v := q.oneOf("sort", values...)
	name, desc := strings.CutPrefix(v, "-")
	return store.IdentitySort(name), desc
}

// splitFilter moves the platform and tenant conditions out of f into a filter the API
// applies itself, unless an app or owner condition picks the store's index: SQLite
// answers a platform condition alone by sorting every identity of the platform, which
// takes seconds at a million identities, while reading in ID order and skipping the
// others takes milliseconds.
func splitFilter(f store.IdentityFilter) (store.IdentityFilter, func(nhi.Identity) bool) {
	if f.AppID != "" || f.Owner != "" || (f.Platform == "" && f.Tenant == "") {
		return f, nil
	}
	p, t := f.Platform, f.Tenant
	f.Platform, f.Tenant = "", ""
	return f, func(id nhi.Identity) bool {
		return (p == "" || id.Platform == p) && (t == "" || id.Tenant == t)
	}
}

// both returns a filter that keeps what a and b keep; nil filters keep everything.
func both[T any](a, b func(T) bool) func(T) bool {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(x T) bool { return a(x) && b(x) }
}

// matchText returns a filter for q= : a case-insensitive substring of the identity's ID,
// name, external ID or app ID.
func matchText(s string) func(nhi.Identity) bool {
	if s == "" {
		return nil
	}
	s = strings.ToLower(s)
	return func(id nhi.Identity) bool {
		for _, f := range []string{id.ID, id.Name, id.ExternalID, id.AppID} {
			if strings.Contains(strings.ToLower(f), s) {
				return true
			}
		}
		return false
	}
}

func (s *Server) listIdentities(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "platform", "tenant", "kind", "app", "owner", "owner_status", "include_gone", "q", "sort", "limit", "cursor")
	f := identityFilter(q)
	f.Sort, f.Desc = identitySort(q)
	limit, c, text := q.limit(), q.cursor(), q.str("q")
	if err := q.err(); err != nil {
		return err
	}
	f, where := splitFilter(f)
	items, next, err := page(c, limit, searchBudget, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return s.st.ListIdentities(r.Context(), f)
	}, both(where, matchText(text)))
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

// scoreBody is a risk score with the contributions that make it up.
type scoreBody struct {
	Total         int                `json:"total"`
	Severity      nhi.Severity       `json:"severity"`
	Contributions []contributionBody `json:"contributions"`
}

type contributionBody struct {
	Signal   string       `json:"signal"`
	Title    string       `json:"title"`
	Severity nhi.Severity `json:"severity"`
	Points   int          `json:"points"`
	OWASP    []string     `json:"owasp"`
	Evidence []string     `json:"evidence"`
}

func scoreOf(sc risk.Score) scoreBody {
	out := scoreBody{Total: sc.Points, Severity: sc.Severity, Contributions: []contributionBody{}}
	for _, c := range sc.Contributions {
		out.Contributions = append(out.Contributions, contributionBody{Signal: c.Signal, Title: c.Title,
			Severity: c.Severity, Points: c.Points, OWASP: c.OWASP, Evidence: c.Evidence})
	}
	return out
}

// identityBody is the answer of GET /api/v1/identities/{id}.
type identityBody struct {
	Identity nhi.Identity     `json:"identity"`
	Owner    *nhi.Person      `json:"owner"`
	App      *nhi.App         `json:"app"`
	Findings []nhi.Finding    `json:"findings"`
	Score    scoreBody        `json:"score"`
	Actions  []nhi.ActionType `json:"actions"`
}

func (s *Server) getIdentity(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ctx := r.Context()
	id, err := s.st.Identity(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	body := identityBody{Identity: id}
	if body.Owner, err = s.owner(ctx, id); err != nil {
		return err
	}
	if id.AppID != "" {
		app, err := s.st.App(ctx, id.Platform, id.Tenant, id.AppID)
		switch {
		case err == nil:
			body.App = &app
		case nhi.ErrorCode(err) != nhi.CodeNotFound:
			return err
		}
	}
	fp, err := s.st.ListFindings(ctx, store.FindingFilter{SubjectKind: nhi.SubjectIdentity, SubjectID: id.ID, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	body.Findings = nonNil(fp.Items)
	in := risk.IdentityInput{Identity: id, Owner: body.Owner, App: body.App, Now: s.now()}
	body.Score = scoreOf(s.engine.ScoreIdentity(&in))
	targets, err := s.targets(ctx)
	if err != nil {
		return err
	}
	body.Actions = s.actionsFor(targets, id)
	writeJSON(w, http.StatusOK, body)
	return nil
}

// owner returns the owner of id as last recorded, nil when it has none, or a person of
// unknown status when the directory has no record of them.
func (s *Server) owner(ctx context.Context, id nhi.Identity) (*nhi.Person, error) {
	if id.OwnerID == "" {
		return nil, nil
	}
	p, err := s.st.Person(ctx, id.Platform, id.Tenant, id.OwnerID)
	switch {
	case nhi.ErrorCode(err) == nhi.CodeNotFound:
		p = nhi.Person{Platform: id.Platform, Tenant: id.Tenant, ExternalID: id.OwnerID, Status: nhi.PersonUnknown}
	case err != nil:
		return nil, err
	}
	return &p, nil
}

// actionsFor lists what can be done to id: the identity actions its tenant's connector
// supports for its kind, or, when no connector can act on the tenant, the action that
// takes its access away (a plan may be proposed before a connector is configured).
func (s *Server) actionsFor(targets remediate.Targets, id nhi.Identity) []nhi.ActionType {
	out := []nhi.ActionType{}
	rem, ok := targets[remediate.Tenant{Platform: id.Platform, Tenant: id.Tenant}]
	if !ok {
		out = append(out, remediate.ActionFor(id).Type)
	} else {
		for _, t := range nhi.ActionTypes() {
			if t != nhi.ActionNotifyOwner && t != nhi.ActionRevokeAppGrants && rem.Supports(t, id.Kind) {
				out = append(out, t)
			}
		}
	}
	if s.cfg.Notifier != nil && id.OwnerID != "" {
		out = append(out, nhi.ActionNotifyOwner)
	}
	return out
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "platform", "tenant", "status", "include_gone", "limit", "cursor")
	f := store.PersonFilter{Platform: nhi.Platform(q.str("platform")), Tenant: q.str("tenant"),
		Status:      nhi.PersonStatus(q.oneOf("status", "active", "suspended", "departed", "unknown")),
		IncludeGone: q.oneOf("include_gone", "true", "false") == "true"}
	limit, c := q.limit(), q.cursor()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := page(c, limit, limit, func(lim int, after string) (store.Page[nhi.Person], error) {
		f.Limit, f.After = lim, after
		return s.st.ListPeople(r.Context(), f)
	}, nil)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

// nonNil returns xs, or an empty slice for nil, so that JSON shows [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
