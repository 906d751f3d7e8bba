package postgres

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRebind checks that ? placeholders are numbered outside quoted text only.
func TestRebind(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`SELECT 1`:        `SELECT 1`,
		`a = ? AND b = ?`: `a = $1 AND b = $2`,
		`x LIKE ? ESCAPE '\' OR y LIKE ? ESCAPE '\'`: `x LIKE $1 ESCAPE '\' OR y LIKE $2 ESCAPE '\'`,
		`c = '?' AND d = ?`:                          `c = '?' AND d = $1`,
		`e = 'it''s ?' AND f IN (?, ?)`:              `e = 'it''s ?' AND f IN ($1, $2)`,
	}
	for in, want := range tests {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) (-want +got):\n%s", in, cmp.Diff(want, got))
		}
	}
}

// TestRounds checks that an upsert's rows split into rounds of distinct keys that keep
// each key's rows in order.
func TestRounds(t *testing.T) {
	t.Parallel()
	u := upsert{key: 2}
	rows := [][]any{{"a", "1", "first"}, {"a", "2", "x"}, {"a", "1", "second"}, {"b", "1", "y"}, {"a", "1", "third"}}
	want := [][][]any{
		{{"a", "1", "first"}, {"a", "2", "x"}, {"b", "1", "y"}},
		{{"a", "1", "second"}},
		{{"a", "1", "third"}},
	}
	if d := cmp.Diff(want, u.rounds(rows)); d != "" {
		t.Errorf("rounds (-want +got):\n%s", d)
	}
}
