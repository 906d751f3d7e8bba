package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// listAudit pages the audit trail oldest first: after= (or the cursor) is the Seq of the
// last entry seen.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "after", "plan", "limit", "cursor")
	after, limit, planID := q.int64("after"), q.limit(), q.str("plan")
	if c := q.str("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			q.errs = append(q.errs, "invalid cursor (use next_cursor of the previous page as it is)")
		}
		after = max(after, n)
	}
	if err := q.err(); err != nil {
		return err
	}
	items, err := s.st.ListAudit(r.Context(), store.AuditFilter{AfterSeq: after, PlanID: planID, Limit: limit})
	if err != nil {
		return err
	}
	next := ""
	if len(items) == limit {
		next = strconv.FormatInt(items[len(items)-1].Seq, 10)
	}
	writeList(w, items, next)
	return nil
}

// listChanges pages the inventory's recorded changes oldest first, like the audit trail.
func (s *Server) listChanges(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "platform", "tenant", "kind", "after", "limit", "cursor")
	f := store.ChangeFilter{Platform: nhi.Platform(q.str("platform")), Tenant: q.str("tenant"),
		Kind: nhi.ChangeKind(q.str("kind")), After: q.int64("after"), Limit: q.limit()}
	if c := q.str("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			q.errs = append(q.errs, "invalid cursor (use next_cursor of the previous page as it is)")
		}
		f.After = max(f.After, n)
	}
	if err := q.err(); err != nil {
		return err
	}
	items, err := s.st.ListChanges(r.Context(), f)
	if err != nil {
		return err
	}
	next := ""
	if len(items) == f.Limit {
		next = strconv.FormatInt(items[len(items)-1].Seq, 10)
	}
	writeList(w, items, next)
	return nil
}

// listScans returns the latest scans, newest first (limit of them; no further pages).
func (s *Server) listScans(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "connector", "limit")
	f := store.ScanFilter{Connector: q.str("connector"), Limit: q.limit()}
	if err := q.err(); err != nil {
		return err
	}
	items, err := s.st.ListScans(r.Context(), f)
	if err != nil {
		return err
	}
	writeList(w, items, "")
	return nil
}

// connectorItem is one configured connector and how its latest scan went.
type connectorItem struct {
	Name     string       `json:"name"`
	Platform nhi.Platform `json:"platform"`
	Tenant   string       `json:"tenant"`
	// Remediates says whether the connector can carry out plans.
	Remediates bool `json:"remediates"`
	// LastScan is the latest scan's ID, status and times; empty when it never ran.
	LastScanID     string         `json:"last_scan_id,omitempty"`
	LastScanStatus nhi.ScanStatus `json:"last_scan_status,omitempty"`
	LastScanAt     time.Time      `json:"last_scan_at,omitzero"`
	LastScanEnded  time.Time      `json:"last_scan_finished_at,omitzero"`
	LastScanErrors []string       `json:"last_scan_errors,omitempty"`
}

func (s *Server) listConnectors(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	items := []connectorItem{}
	for _, c := range s.cfg.Connectors {
		info := c.Info()
		tenant, last, err := s.lastScan(r.Context(), info)
		if err != nil {
			return err
		}
		_, rem := c.(interface {
			Supports(nhi.ActionType, nhi.Kind) bool
		})
		items = append(items, connectorItem{Name: info.Name, Platform: info.Platform, Tenant: tenant, Remediates: rem,
			LastScanID: last.ID, LastScanStatus: last.Status, LastScanAt: last.StartedAt, LastScanEnded: last.FinishedAt,
			LastScanErrors: last.Errors})
	}
	writeList(w, items, "")
	return nil
}
