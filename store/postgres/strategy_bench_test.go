package postgres

import (
	"context"
	"fmt"
	"github.com/nhiscope/nhi/store/internal/sqlq"
	"testing"
	"time"
)

// BenchmarkUpsertStrategy compares, on batches of 1,000, 5,000 and 10,000 identities, the
// two ways the store writes a batch (see copyMinRows): one INSERT ... SELECT FROM
// unnest(arrays) ... ON CONFLICT, and COPY into a temporary table followed by INSERT ...
// SELECT ... ON CONFLICT.
//
//	go test ./store/postgres -run '^$' -bench UpsertStrategy -benchtime 20x
func BenchmarkUpsertStrategy(b *testing.B) {
	strategies := map[string]func(db *DB, ctx context.Context, scan string, rows [][]any) error{
		"unnest": func(db *DB, ctx context.Context, scan string, rows [][]any) error {
			return db.withTx(ctx, "unnest", func(c conn) error {
				_, err := c.ExecContext(ctx, identityUpsert.sql(), identityUpsert.args(rows)...)
				return err
			})
		},
		"copy": func(db *DB, ctx context.Context, scan string, rows [][]any) error {
			return db.withTx(ctx, "copy", func(c conn) error {
				return identityUpsert.copyRound(ctx, c, rows, false)
			})
		},
	}
	for _, size := range []int{1000, 5000, 10000} {
		for name, put := range strategies {
			for _, mode := range []string{"insert", "update"} {
				b.Run(fmt.Sprintf("%s/%d/%s", name, size, mode), func(b *testing.B) {
					st, _ := openDB(b)
					scan := begin(b, st)
					all := batches(b.N, size, mode == "update")
					rows := make([][][]any, b.N)
					seen := sqlq.MS(time.Now())
					for i, batch := range all {
						for j := range batch {
							args, err := identityArgs(j, &batch[j])
							if err != nil {
								b.Fatal(err)
							}
							rows[i] = append(rows[i], append(args, seen, seen, int64(0), scan))
						}
					}
					b.ResetTimer()
					for i := range b.N {
						if err := put(st, b.Context(), scan, rows[i]); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "ids/s")
				})
			}
		}
	}
}
