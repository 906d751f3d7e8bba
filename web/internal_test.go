package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi/store"
)

// TestLimiterWindow counts failures per key in a sliding window and says how long the
// first blocked key must wait.
func TestLimiterWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := newLimiter(3, 10*time.Minute, func() time.Time { return now })
	for i := range 3 {
		if w := l.blocked("ip:a", "user:x"); w != 0 {
			t.Fatalf("blocked after %d failures", i)
		}
		l.failed("ip:a", "user:x")
		now = now.Add(time.Minute)
	}
	if w := l.blocked("user:x"); w != 7*time.Minute {
		t.Errorf("wait = %s, want 7m (the first failure leaves the window at 10m)", w)
	}
	if w := l.blocked("ip:b", "user:y"); w != 0 {
		t.Errorf("other keys blocked for %s", w)
	}
	l.reset("user:x")
	if w := l.blocked("user:x"); w != 0 {
		t.Errorf("reset key still blocked for %s", w)
	}
	if w := l.blocked("ip:a"); w == 0 {
		t.Error("resetting the user unblocked the address")
	}
	now = now.Add(8 * time.Minute)
	if w := l.blocked("ip:a"); w != 0 {
		t.Errorf("still blocked %s after the window", w)
	}
}

// TestLimiterStaysBounded fills the limiter past its bound and finds it pruned.
func TestLimiterStaysBounded(t *testing.T) {
	t.Parallel()
	now := time.Now()
	l := newLimiter(5, time.Minute, func() time.Time { return now })
	for i := range maxLimiterKeys + 10 {
		l.failed("ip:" + strconv.Itoa(i))
	}
	if n := len(l.fail); n > maxLimiterKeys {
		t.Errorf("%d keys kept, more than %d", n, maxLimiterKeys)
	}
}

// TestPasswordHashes checks that hashes verify their password only, and that malformed
// or tampered hashes never verify.
func TestPasswordHashes(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse battery")
	if h == HashPassword("correct horse battery") {
		t.Error("two hashes of one password are equal: no salt")
	}
	parts := strings.Split(h, "$")
	for _, tc := range []struct {
		name, hash, pw string
		ok             bool
	}{
		{"right", h, "correct horse battery", true},
		{"wrong", h, "correct horse batterx", false},
		{"empty", "", "", false},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "x", false},
		{"huge memory", strings.Join([]string{"", "argon2id", "v=19", "m=99999999,t=2,p=1", parts[4], parts[5]}, "$"), "correct horse battery", false},
		{"other salt", strings.Join([]string{"", "argon2id", "v=19", parts[3], "AAAAAAAAAAAAAAAAAAAAAA", parts[5]}, "$"), "correct horse battery", false},
	} {
		if got := checkPassword(tc.hash, tc.pw); got != tc.ok {
			t.Errorf("%s: checkPassword = %v", tc.name, got)
		}
	}
}

// TestPageResumesMidChunk pages a filtered list in pages smaller than the store's
// chunks and under a read budget, and gets every match once, in order.
func TestPageResumesMidChunk(t *testing.T) {
	t.Parallel()
	var all []int
	for i := range 1000 {
		all = append(all, i)
	}
	list := func(lim int, after string) (store.Page[int], error) {
		start := 0
		if after != "" {
			start, _ = strconv.Atoi(after)
		}
		end := min(start+lim, len(all))
		p := store.Page[int]{Items: all[start:end]}
		if end < len(all) {
			p.Next = strconv.Itoa(end)
		}
		return p, nil
	}
	for _, budget := range []int{7, 50, 10_000} {
		var got []int
		c := cursor{}
		for range 2000 {
			items, next, err := page(c, 3, budget, list, func(i int) bool { return i%7 == 0 })
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, items...)
			if next == "" {
				break
			}
			if c, err = parseCursor(next); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != 143 || got[0] != 0 || got[142] != 994 {
			t.Errorf("budget %d: %d items %v...", budget, len(got), got[:min(5, len(got))])
		}
		for i := 1; i < len(got); i++ {
			if got[i] != got[i-1]+7 {
				t.Fatalf("budget %d: %d follows %d", budget, got[i], got[i-1])
			}
		}
	}
}

// FuzzParseCursor feeds arbitrary cursors: they parse or fail with CodeInvalid, never
// panic, and what parses encodes back to a cursor that parses the same.
func FuzzParseCursor(f *testing.F) {
	f.Add("")
	f.Add(cursor{After: "abc", Skip: 3}.encode())
	f.Add("!!")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.encode())
		if err != nil || again != c {
			t.Errorf("%q: round trip %+v -> %+v, %v", s, c, again, err)
		}
	})
}
