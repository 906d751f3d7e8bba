package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// exportChunk is how many records an export reads from the store at a time; records are
// written as they are read, so an export of any size holds one chunk in memory.
const exportChunk = 1000

// exporter writes records as NDJSON or CSV, flushing after every chunk.
type exporter[T any] struct {
	w      http.ResponseWriter
	csv    *csv.Writer
	enc    *json.Encoder
	header []string
	row    func(T) []string
}

func newExporter[T any](w http.ResponseWriter, format, name string, header []string, row func(T) []string) *exporter[T] {
	e := &exporter[T]{w: w, header: header, row: row}
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		e.csv = csv.NewWriter(w)
		_ = e.csv.Write(header)
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.ndjson"`)
		e.enc = json.NewEncoder(w)
	}
	return e
}

func (e *exporter[T]) write(v T) error {
	if e.csv != nil {
		return e.csv.Write(cells(e.row(v)))
	}
	return e.enc.Encode(v)
}

func (e *exporter[T]) flush() {
	if e.csv != nil {
		e.csv.Flush()
	}
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
}

// cells neutralises spreadsheet formulas: a cell an attacker named "=HYPERLINK(...)"
// is written as text.
func cells(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

// stream walks a store list and writes every record keep accepts (nil keeps all). Once the first record is out the
// status is sent: a failure later ends the stream early, which the client sees as a
// truncated body (and the error is logged).
func stream[T any](s *Server, r *http.Request, e *exporter[T], list func(lim int, after string) (store.Page[T], error), keep func(T) bool) error {
	after := ""
	for {
		p, err := list(exportChunk, after)
		if err != nil {
			if after == "" {
				return err
			}
			s.log.Error("export stopped", "path", r.URL.Path, "err", err)
			return nil
		}
		for _, v := range p.Items {
			if keep != nil && !keep(v) {
				continue
			}
			if err := e.write(v); err != nil {
				return nil // the client went away
			}
		}
		e.flush()
		if p.Next == "" || r.Context().Err() != nil {
			return nil
		}
		after = p.Next
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) exportIdentities(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "platform", "tenant", "kind", "app", "owner", "owner_status", "include_gone", "format")
	f := identityFilter(q)
	format := q.oneOf("format", "ndjson", "csv")
	if err := q.err(); err != nil {
		return err
	}
	e := newExporter(w, format, "identities", []string{"id", "platform", "tenant", "kind", "external_id", "name",
		"app_id", "owner_id", "scopes", "created_at", "last_used_at", "expires_at", "first_seen", "gone_at"},
		func(id nhi.Identity) []string {
			return []string{id.ID, string(id.Platform), id.Tenant, string(id.Kind), id.ExternalID, id.Name, id.AppID,
				id.OwnerID, strings.Join(id.Scopes(), " "), stamp(id.CreatedAt), stamp(id.LastUsedAt), stamp(id.ExpiresAt),
				stamp(id.FirstSeen), stamp(id.GoneAt)}
		})
	f, where := splitFilter(f)
	return stream(s, r, e, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return s.st.ListIdentities(r.Context(), f)
	}, where)
}

func (s *Server) exportFindings(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "severity", "platform", "status", "format")
	f := store.FindingFilter{MinSeverity: nhi.Severity(q.oneOf("severity", names(nhi.Severities())...)),
		Platform: nhi.Platform(q.str("platform")), Status: nhi.FindingStatus(q.oneOf("status", "open", "suppressed", "resolved"))}
	format := q.oneOf("format", "ndjson", "csv")
	if err := q.err(); err != nil {
		return err
	}
	e := newExporter(w, format, "findings", []string{"id", "severity", "signal", "owasp", "status", "subject_kind",
		"subject_id", "platform", "tenant", "app_id", "owner_id", "evidence", "first_seen", "last_seen"},
		func(x nhi.Finding) []string {
			return []string{x.ID, string(x.Severity), x.Signal, strings.Join(x.OWASP, " "), string(x.Status),
				string(x.SubjectKind), x.SubjectID, string(x.Platform), x.Tenant, x.AppID, x.OwnerID,
				strings.Join(x.Evidence, "; "), stamp(x.FirstSeen), stamp(x.LastSeen)}
		})
	return stream(s, r, e, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return s.st.ListFindings(r.Context(), f)
	}, nil)
}
