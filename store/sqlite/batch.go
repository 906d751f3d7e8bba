package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerStatement is how many records one upsert statement writes. Fewer, larger
// statements spend less per record on binding, context watching and VM start-up; the
// placeholders of a statement stay far below SQLite's limit of 32,766.
const rowsPerStatement = 64

// upsert is a multi-row INSERT ... ON CONFLICT DO UPDATE: head, then row once per record
// (separated by commas), then tail. Each row has cols placeholders.
type upsert struct {
	head, row, tail string
	cols            int
	// after, when not empty, runs once after the rows, in their transaction.
	after string
	// inventory says the rows are a scan's inventory (people, apps, identities), which
	// only a running scan writes; findings are written once their scan has ended.
	inventory bool
}

// inventory returns u marked as a scan's inventory (see upsert.inventory).
func inventory(u upsert) upsert {
	u.inventory = true
	return u
}

// sql returns the statement that upserts n records.
func (u upsert) sql(n int) string {
	var b strings.Builder
	b.Grow(len(u.head) + n*(len(u.row)+2) + len(u.tail))
	b.WriteString(u.head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(u.row)
	}
	b.WriteString(u.tail)
	return b.String()
}

// putBatch upserts rows with u, all in one transaction, after checking that scan scanID
// exists and, for inventory, is running: a finished or abandoned scan records no more (the parts of a
// split scan rescued after a crash may still run when a new scan of the tenant has begun;
// their writes would make the new scan's end take what they saw for its own misses).
func (db *DB) putBatch(ctx context.Context, op, scanID string, u upsert, rows [][]any) error {
	if len(rows) == 0 {
		return wrapCtx(ctx, op)
	}
	return db.withTx(ctx, op, func(tx *sql.Tx) error {
		check := scanExists
		if u.inventory {
			check = scanRunning
		}
		if err := check(ctx, tx, scanID); err != nil {
			return err
		}
		var full *sql.Stmt // prepared once, for every chunk of rowsPerStatement rows
		args := make([]any, 0, min(len(rows), rowsPerStatement)*u.cols)
		for start := 0; start < len(rows); start += rowsPerStatement {
			chunk := rows[start:min(start+rowsPerStatement, len(rows))]
			args = args[:0]
			for _, r := range chunk {
				args = append(args, r...)
			}
			if len(chunk) < rowsPerStatement {
				if _, err := tx.ExecContext(ctx, u.sql(len(chunk)), args...); err != nil {
					return err
				}
				continue
			}
			if full == nil {
				var err error
				if full, err = tx.PrepareContext(ctx, u.sql(rowsPerStatement)); err != nil {
					return err
				}
				defer full.Close()
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		if u.after != "" {
			if _, err := tx.ExecContext(ctx, u.after); err != nil {
				return err
			}
		}
		return nil
	})
}
