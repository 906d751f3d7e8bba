package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

func (s *Server) listFindings(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "severity", "signal", "owasp", "platform", "tenant", "status", "app", "owner",
		"subject_kind", "subject_id", "limit", "cursor")
	f := store.FindingFilter{MinSeverity: nhi.Severity(q.oneOf("severity", names(nhi.Severities())...)),
		Signal: q.str("signal"), OWASP: strings.ToUpper(q.str("owasp")), Platform: nhi.Platform(q.str("platform")),
		Tenant: q.str("tenant"), Status: nhi.FindingStatus(q.oneOf("status", "open", "suppressed", "resolved")),
		AppID: q.str("app"), Owner: q.str("owner"),
		SubjectKind: nhi.SubjectKind(q.oneOf("subject_kind", "identity", "app")), SubjectID: q.str("subject_id")}
	limit, c := q.limit(), q.cursor()
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := page(c, limit, limit, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return s.st.ListFindings(r.Context(), f)
	}, nil)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *Server) getFinding(w http.ResponseWriter, r *http.Request, _ *principal) error {
	f, err := s.st.Finding(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// maxSuppression is the longest a finding may be suppressed through the API.
const maxSuppression = 366 * 24 * time.Hour

// suppressFinding suppresses a finding until a time (at most a year away), with a
// reason; an empty reason lifts a suppression.
func (s *Server) suppressFinding(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in struct {
		Reason string    `json:"reason"`
		Until  time.Time `json:"until"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	now := s.now()
	sup := nhi.Suppression{Reason: nhi.CleanText(in.Reason), Author: p.User.Name, At: now, Until: in.Until.UTC()}
	kind := auditFindingSuppress
	switch {
	case sup.Reason == "":
		sup, kind = nhi.Suppression{}, auditFindingUnsuppress
	case in.Until.IsZero():
		return nhi.Errorf(nhi.CodeInvalid, "until is required: say when the suppression lapses (RFC 3339, at most a year away)")
	case !in.Until.After(now) || in.Until.Sub(now) > maxSuppression:
		return nhi.Errorf(nhi.CodeInvalid, "until must be in the future and at most a year away")
	}
	id := r.PathValue("id")
	f, err := s.st.SuppressFinding(r.Context(), id, sup)
	if err != nil {
		return err
	}
	detail := map[string]any{"reason": sup.Reason, "signal": f.Signal, "subject": f.SubjectID}
	if !sup.Until.IsZero() {
		detail["until"] = sup.Until
	}
	if err := appendAudit(r.Context(), s.st, now, p.actor(), kind, "finding:"+f.ID, detail); err != nil {
		return err
	}
	s.risk.invalidate()
	writeJSON(w, http.StatusOK, f)
	return nil
}
