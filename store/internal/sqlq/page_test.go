package sqlq

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// FuzzDecodeCursor checks that no input makes cursor decoding panic, that every refusal
// is CodeInvalid, that what decodes re-encodes to the same keys, and that any keys
// (invalid UTF-8 included) survive a round trip.
func FuzzDecodeCursor(f *testing.F) {
	// The lists of page cursors and how many keys each carries.
	cursorLists := []struct {
		list string
		n    int
	}{{ListIdentities, 1}, {ListPeople, 3}, {ListAppsByUsers, 5}, {ListAppsByName, 4}, {ListFindings, 2}}
	f.Add(EncodeCursor(ListIdentities, "gws_abc"), "a", "b")
	f.Add(EncodeCursor(ListPeople, "google_workspace", "C01", "u1"), "\xff", "")
	f.Add(EncodeCursor(ListAppsByUsers, "3", "Zeta", "gws", "C01", "A"), "x.y", "=")
	f.Add("garbage", "", "")
	f.Add("..", "日本", "é")
	f.Fuzz(func(t *testing.T, s, a, b string) {
		for _, l := range cursorLists {
			keys, err := DecodeCursor(s, l.list, l.n)
			if err != nil {
				if nhi.ErrorCode(err) != nhi.CodeInvalid {
					t.Fatalf("DecodeCursor(%q, %s) = %v, want CodeInvalid", s, l.list, err)
				}
				continue
			}
			if len(keys) != l.n {
				t.Fatalf("DecodeCursor(%q, %s) = %d keys, want %d", s, l.list, len(keys), l.n)
			}
			again, err := DecodeCursor(EncodeCursor(l.list, keys...), l.list, l.n)
			if err != nil || !cmp.Equal(keys, again) {
				t.Fatalf("re-encoded cursor of %q decodes to %q, %v", keys, again, err)
			}
		}
		_, _, _ = DecodeUsersCursor(s) // must not panic
		keys := []string{a, b, a + b}
		got, err := DecodeCursor(EncodeCursor(ListPeople, keys...), ListPeople, 3)
		if err != nil || !cmp.Equal(keys, got) {
			t.Fatalf("round trip of %q = %q, %v", keys, got, err)
		}
	})
}

// TestDecodeUsersCursor checks the user count of a cursor of apps by users.
func TestDecodeUsersCursor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cursor string
		users  int64
		want   nhi.Code
	}{
		{"valid", EncodeCursor(ListAppsByUsers, "12", "n", "p", "t", "e"), 12, ""},
		{"negative", EncodeCursor(ListAppsByUsers, "-1", "n", "p", "t", "e"), 0, nhi.CodeInvalid},
		{"not a number", EncodeCursor(ListAppsByUsers, "many", "n", "p", "t", "e"), 0, nhi.CodeInvalid},
		{"by name", EncodeCursor(ListAppsByName, "n", "p", "t", "e"), 0, nhi.CodeInvalid},
		{"too few keys", EncodeCursor(ListAppsByUsers, "1", "n"), 0, nhi.CodeInvalid},
	}
	for _, tc := range tests {
		users, keys, err := DecodeUsersCursor(tc.cursor)
		if nhi.ErrorCode(err) != tc.want || users != tc.users || (err == nil && len(keys) != 4) {
			t.Errorf("%s: decodeUsersCursor = %d, %q, %v; want %d, code %q", tc.name, users, keys, err, tc.users, tc.want)
		}
	}
}

// TestPageLimit checks the default, the clamp and the refusal of page sizes.
func TestPageLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want int
		code     nhi.Code
	}{
		{0, store.DefaultLimit, ""}, {1, 1, ""}, {store.MaxLimit, store.MaxLimit, ""},
		{store.MaxLimit + 1, store.MaxLimit, ""}, {-1, 0, nhi.CodeInvalid},
	}
	for _, tc := range tests {
		got, err := PageLimit(tc.in)
		if got != tc.want || nhi.ErrorCode(err) != tc.code {
			t.Errorf("PageLimit(%d) = %d, %v; want %d, code %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}
