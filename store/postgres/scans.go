package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

const scanColumns = `id, connector, platform, tenant, "full", started_at, finished_at, status, counts, errors`

// BeginScan records s as running under a new ID. A zero StartedAt is set from the clock.
func (db *DB) BeginScan(ctx context.Context, s nhi.Scan) (nhi.Scan, error) {
	s.ID = "scan_" + strings.ToLower(rand.Text())
	if s.StartedAt.IsZero() {
		s.StartedAt = db.now()
	}
	s.StartedAt = sqlq.NormTime(s.StartedAt)
	s.FinishedAt = sqlq.NormTime(s.FinishedAt)
	s.Status = nhi.ScanRunning
	counts, errs, err := encodeScanResults(s)
	if err != nil {
		return nhi.Scan{}, err
	}
	const q = `INSERT INTO scans (` + scanColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	err = db.withTx(ctx, "begin scan", func(tx conn) error {
		_, err := tx.ExecContext(ctx, q, s.ID, s.Connector, string(s.Platform), s.Tenant,
			s.Full, sqlq.MS(s.StartedAt), sqlq.MS(s.FinishedAt), string(s.Status), counts, errs)
		return err
	})
	if err != nil {
		return nhi.Scan{}, err
	}
	return s, nil
}

// FinishScan records the final status, counts and errors of scan s.ID. A zero FinishedAt is
// set from the clock. The status must be succeeded, partial or failed.
func (db *DB) FinishScan(ctx context.Context, s nhi.Scan) error {
	switch s.Status {
	case nhi.ScanSucceeded, nhi.ScanPartial, nhi.ScanFailed:
	default:
		return nhi.Errorf(nhi.CodeInvalid, "invalid final scan status %q", s.Status)
	}
	if s.FinishedAt.IsZero() {
		s.FinishedAt = db.now()
	}
	counts, errs, err := encodeScanResults(s)
	if err != nil {
		return err
	}
	const q = `UPDATE scans SET finished_at = ?, status = ?, counts = ?, errors = ?,
		tenant = CASE WHEN ? = '' THEN tenant ELSE ? END WHERE id = ?`
	return db.withTx(ctx, "finish scan", func(tx conn) error {
		res, err := tx.ExecContext(ctx, q, sqlq.MS(s.FinishedAt), string(s.Status), counts, errs, s.Tenant, s.Tenant, s.ID)
		if err != nil {
			return err
		}
		if res.RowsAffected() == 0 {
			return nhi.Errorf(nhi.CodeNotFound, "scan %q not found", s.ID)
		}
		return nil
	})
}

// encodeScanResults returns the JSON of the counts and errors of s.
func encodeScanResults(s nhi.Scan) (counts, errs string, err error) {
	if counts, err = sqlq.EncodeJSON(s.Counts); err != nil {
		return "", "", err
	}
	if len(s.Errors) == 0 {
		return counts, "[]", nil
	}
	errs, err = sqlq.EncodeJSON(s.Errors)
	return counts, errs, err
}

// Scan returns the scan with the ID.
func (db *DB) Scan(ctx context.Context, id string) (nhi.Scan, error) {
	row := db.c().QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE id = ?`, id)
	s, err := scanScan(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nhi.Scan{}, nhi.Errorf(nhi.CodeNotFound, "scan %q not found", id)
	}
	if err != nil {
		return nhi.Scan{}, wrap(ctx, "scan", err)
	}
	return s, nil
}

// ListScans returns scans, most recently started first; scans started at the same time are
// ordered most recently begun first.
func (db *DB) ListScans(ctx context.Context, f store.ScanFilter) ([]nhi.Scan, error) {
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + scanColumns + ` FROM scans`
	var args []any
	if f.Connector != "" {
		q += ` WHERE connector = ?`
		args = append(args, f.Connector)
	}
	q += ` ORDER BY started_at DESC, seq DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.c().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(ctx, "list scans", err)
	}
	defer rows.Close()
	var out []nhi.Scan
	for rows.Next() {
		s, err := scanScan(rows)
		if err != nil {
			return nil, wrap(ctx, "list scans", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "list scans", err)
	}
	return out, nil
}

// rowScanner is a pgx.Row or pgx.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanScan reads one row of scanColumns.
func scanScan(r rowScanner) (nhi.Scan, error) {
	var (
		s                   nhi.Scan
		platform, status    string
		full                bool
		started, finished   int64
		countsJSON, errJSON string
	)
	err := r.Scan(&s.ID, &s.Connector, &platform, &s.Tenant, &full, &started, &finished,
		&status, &countsJSON, &errJSON)
	if err != nil {
		return nhi.Scan{}, err
	}
	s.Platform, s.Status, s.Full = nhi.Platform(platform), nhi.ScanStatus(status), full
	s.StartedAt, s.FinishedAt = sqlq.FromMS(started), sqlq.FromMS(finished)
	if err := sqlq.DecodeJSON("counts", countsJSON, &s.Counts); err != nil {
		return nhi.Scan{}, err
	}
	if err := sqlq.DecodeJSON("errors", errJSON, &s.Errors); err != nil {
		return nhi.Scan{}, err
	}
	return s, nil
}
