package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A batch is written in one of two ways, whichever measured faster for its size (see
// BenchmarkUpsertStrategy): below copyMinRows rows, one INSERT ... SELECT FROM
// unnest(arrays) ... ON CONFLICT, a single round trip; from copyMinRows rows, COPY into a
// temporary table of the connection, then INSERT ... SELECT ... ON CONFLICT from it. On
// 10,000-row batches COPY wrote 30-150% more rows per second in three runs of four; at
// 1,000 and 5,000 rows neither won reliably, and the single statement is simpler.
const (
	copyMinRows = 10000
	// rowsPerStatement bounds the rows of one unnest statement, and so its memory.
	rowsPerStatement = copyMinRows
)

// col is a column of an upsert and the PostgreSQL type of its values: text, bigint,
// boolean, or jsonb (sent as text and cast).
type col struct {
	name, typ string
}

// upsert is an INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT DO UPDATE: one
// statement, with one array parameter per column, writes a whole batch. The first key
// columns are the conflict key.
type upsert struct {
	table string
	cols  []col
	key   int
	tail  string
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

// sql returns the statement of u.
func (u upsert) sql() string {
	names := make([]string, len(u.cols))
	exprs := make([]string, len(u.cols))
	params := make([]string, len(u.cols))
	for i, c := range u.cols {
		names[i], exprs[i] = c.name, "u."+c.name
		typ := c.typ
		if typ == "jsonb" {
			typ, exprs[i] = "text", "u."+c.name+"::jsonb"
		}
		params[i] = "$" + strconv.Itoa(i+1) + "::" + typ + "[]"
	}
	list := strings.Join(names, ", ")
	return `INSERT INTO ` + u.table + ` (` + list + `) SELECT ` + strings.Join(exprs, ", ") +
		` FROM unnest(` + strings.Join(params, ", ") + `) AS u (` + list + `) ` + u.tail
}

// args returns the column arrays of rows, whose values are string, int64 or bool as the
// columns' types say.
func (u upsert) args(rows [][]any) []any {
	out := make([]any, len(u.cols))
	for c, cl := range u.cols {
		switch cl.typ {
		case "bigint":
			v := make([]int64, len(rows))
			for i, r := range rows {
				v[i] = r[c].(int64)
			}
			out[c] = v
		case "boolean":
			v := make([]bool, len(rows))
			for i, r := range rows {
				v[i] = r[c].(bool)
			}
			out[c] = v
		default:
			v := make([]string, len(rows))
			for i, r := range rows {
				v[i] = r[c].(string)
			}
			out[c] = v
		}
	}
	return out
}

// rounds splits rows so that no round holds two rows with one key: PostgreSQL refuses an
// upsert that would change a row twice, where SQLite applies the rows in order. The n-th
// row of a key goes to round n, so a key's rows still apply in their order.
func (u upsert) rounds(rows [][]any) [][][]any {
	seen := make(map[string]int, len(rows))
	var out [][][]any
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for k := range u.key {
			b.WriteString(r[k].(string))
			b.WriteByte(0)
		}
		n := seen[b.String()]
		seen[b.String()] = n + 1
		if n == len(out) {
			out = append(out, make([][]any, 0, len(rows)))
		}
		out[n] = append(out[n], r)
	}
	return out
}

// putBatch upserts rows with u, all in one transaction, after checking that scan scanID
// exists and, for inventory, is running (see the SQLite store's putBatch).
func (db *DB) putBatch(ctx context.Context, op, scanID string, u upsert, rows [][]any) error {
	if len(rows) == 0 {
		return wrapCtx(ctx, op)
	}
	q := u.sql()
	return db.withTx(ctx, op, func(tx conn) error {
		check := scanExists
		if u.inventory {
			check = scanRunning
		}
		if err := check(ctx, tx, scanID); err != nil {
			return err
		}
		copied := false
		for _, round := range u.rounds(rows) {
			if len(round) >= copyMinRows {
				if err := u.copyRound(ctx, tx, round, copied); err != nil {
					return err
				}
				copied = true
				continue
			}
			for start := 0; start < len(round); start += rowsPerStatement {
				chunk := round[start:min(start+rowsPerStatement, len(round))]
				if _, err := tx.ExecContext(ctx, q, u.args(chunk)...); err != nil {
					return err
				}
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

// copyRound upserts round, rows of distinct keys, through COPY into the connection's
// temporary table of u (created when missing, emptied by every commit), then one
// INSERT ... SELECT ... ON CONFLICT. used says whether this transaction filled the
// temporary table before, which is then emptied first.
func (u upsert) copyRound(ctx context.Context, c conn, round [][]any, used bool) error {
	tx, ok := c.q.(pgx.Tx)
	if !ok {
		return errors.New("copy outside a transaction")
	}
	tmp := "nhi_copy_" + u.table
	if used {
		if _, err := tx.Exec(ctx, `DELETE FROM `+tmp); err != nil {
			return err
		}
	} else {
		create := `CREATE TEMP TABLE IF NOT EXISTS ` + tmp + ` (LIKE ` + u.table +
			` INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`
		if _, err := tx.Exec(ctx, create); err != nil {
			return err
		}
	}
	names := make([]string, len(u.cols))
	for i, cl := range u.cols {
		names[i] = cl.name
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, names, pgx.CopyFromRows(round)); err != nil {
		return err
	}
	list := strings.Join(names, ", ")
	_, err := tx.Exec(ctx, `INSERT INTO `+u.table+` (`+list+`) SELECT `+list+` FROM `+tmp+` `+u.tail)
	return err
}
