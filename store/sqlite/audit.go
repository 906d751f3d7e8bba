package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

var _ store.Audit = (*DB)(nil)

// The statements of the audit trail.
const (
	auditColumns = `seq, time, actor, kind, plan_id, action_id, target, detail, prev_hash, hash`
	lastAudit    = `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`
	insertAudit  = `INSERT INTO audit_log (` + auditColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// AppendAudit appends e after the last entry and returns it sealed (see
// nhi.AuditEntry.Seal). Reading the last entry and writing the new one are one write
// transaction that takes SQLite's write lock when it begins, so appends from other
// handles and processes queue up behind it and the chain never forks. The input's Seq,
// PrevHash and Hash are ignored.
//
// The entry needs an Actor and a Kind; Detail must be empty or a JSON object, whose bytes
// are kept exactly. Time is kept in UTC with its nanoseconds (a zero Time is stamped with
// the clock) and must lie in the years 0 to 9999, which RFC 3339 can write. Bad entries
// are CodeInvalid.
func (db *DB) AppendAudit(ctx context.Context, e nhi.AuditEntry) (nhi.AuditEntry, error) {
	e, stamp, err := db.normAudit(e)
	if err != nil {
		return nhi.AuditEntry{}, err
	}
	var out nhi.AuditEntry
	err = db.withTx(ctx, "append audit", func(tx *sql.Tx) error {
		var prev nhi.AuditEntry
		err := tx.QueryRowContext(ctx, lastAudit).Scan(&prev.Seq, &prev.Hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out = e.Seal(prev)
		detail := []byte(out.Detail)
		if detail == nil {
			detail = []byte{}
		}
		_, err = tx.ExecContext(ctx, insertAudit, out.Seq, stamp, out.Actor, string(out.Kind),
			out.PlanID, out.ActionID, out.Target, detail, out.PrevHash, out.Hash)
		return err
	})
	if err != nil {
		return nhi.AuditEntry{}, err
	}
	return out, nil
}

// normAudit validates e and returns it as AppendAudit seals it, with the text its time is
// stored as.
func (db *DB) normAudit(e nhi.AuditEntry) (nhi.AuditEntry, string, error) {
	switch {
	case e.Actor == "":
		return e, "", nhi.Errorf(nhi.CodeInvalid, "append audit: an actor is required")
	case e.Kind == "":
		return e, "", nhi.Errorf(nhi.CodeInvalid, "append audit: a kind is required")
	}
	if err := checkDetail(e.Detail); err != nil {
		return e, "", err
	}
	if len(e.Detail) == 0 {
		e.Detail = nil
	} else {
		e.Detail = slices.Clone(e.Detail) // the caller's slice may change after we return
	}
	e.Time = db.seen(e.Time).Round(0).UTC()
	stamp := e.Time.Format(time.RFC3339Nano)
	if back, err := time.Parse(time.RFC3339Nano, stamp); err != nil || !back.Equal(e.Time) {
		return e, "", nhi.Errorf(nhi.CodeInvalid, "append audit: time %s cannot be kept", stamp)
	}
	return e, stamp, nil
}

// checkDetail refuses, with CodeInvalid, a detail that is neither empty nor a JSON object.
func checkDetail(d json.RawMessage) error {
	if len(d) == 0 {
		return nil
	}
	if !json.Valid(d) {
		return nhi.Errorf(nhi.CodeInvalid, "append audit: detail is not valid JSON")
	}
	if trimmed := bytes.TrimLeft(d, " \t\r\n"); trimmed[0] != '{' {
		return nhi.Errorf(nhi.CodeInvalid, "append audit: detail is not a JSON object")
	}
	return nil
}

// ListAudit returns at most f.Limit entries with Seq above f.AfterSeq (of plan f.PlanID,
// when set), in ascending Seq order, exactly as appended. A negative AfterSeq or Limit is
// CodeInvalid.
func (db *DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]nhi.AuditEntry, error) {
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	if f.AfterSeq < 0 {
		return nil, nhi.Errorf(nhi.CodeInvalid, "invalid audit position %d: must not be negative", f.AfterSeq)
	}
	q, args := listAuditQuery(f)
	rows, err := db.r.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, wrap(ctx, "list audit", err)
	}
	defer rows.Close()
	var out []nhi.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, wrap(ctx, "list audit", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "list audit", err)
	}
	return out, nil
}

// listAuditQuery returns the query of the entries matching f, in Seq order, and its
// arguments but the last: the LIMIT.
func listAuditQuery(f store.AuditFilter) (string, []any) {
	var w sqlq.Where
	w.Add(`seq > ?`, f.AfterSeq)
	w.AddIf(f.PlanID != "", `plan_id = ?`, f.PlanID)
	return `SELECT ` + auditColumns + ` FROM audit_log` + w.SQL() + ` ORDER BY seq LIMIT ?`, w.Args
}

// scanAudit reads one row of auditColumns.
func scanAudit(r rowScanner) (nhi.AuditEntry, error) {
	var (
		e      nhi.AuditEntry
		stamp  string
		kind   string
		detail []byte
	)
	err := r.Scan(&e.Seq, &stamp, &e.Actor, &kind, &e.PlanID, &e.ActionID, &e.Target, &detail,
		&e.PrevHash, &e.Hash)
	if err != nil {
		return nhi.AuditEntry{}, err
	}
	if e.Time, err = time.Parse(time.RFC3339Nano, stamp); err != nil {
		return nhi.AuditEntry{}, fmt.Errorf("audit entry %d: time: %w", e.Seq, err)
	}
	e.Kind = nhi.AuditKind(kind)
	if len(detail) > 0 {
		e.Detail = detail
	}
	return e, nil
}
