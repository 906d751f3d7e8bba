package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
)

// Cursor returns the saved cursor of connector instance name, or the zero cursor.
func (db *DB) Cursor(ctx context.Context, name string) (nhi.Cursor, error) {
	var c string
	err := db.c().QueryRowContext(ctx, `SELECT cursor FROM connector_cursors WHERE connector = ?`, name).Scan(&c)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case err != nil:
		return "", wrap(ctx, "cursor", err)
	}
	return nhi.Cursor(c), nil
}

// SaveCursor saves the cursor of connector instance name, replacing the one saved before.
func (db *DB) SaveCursor(ctx context.Context, name string, c nhi.Cursor) error {
	if name == "" {
		return nhi.Errorf(nhi.CodeInvalid, "save cursor: connector name is required")
	}
	const q = `INSERT INTO connector_cursors (connector, cursor, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (connector) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`
	return db.withTx(ctx, "save cursor", func(tx conn) error {
		_, err := tx.ExecContext(ctx, q, name, string(c), db.now().UnixMilli())
		return err
	})
}
