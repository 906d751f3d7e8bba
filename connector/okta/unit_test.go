package okta

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"P30D", 30 * 24 * time.Hour, true},
		{"PT5M", 5 * time.Minute, true},
		{"P1DT12H", 36 * time.Hour, true},
		{"P2W", 14 * 24 * time.Hour, true},
		{"PT90S", 90 * time.Second, true},
		{"P", 0, false},
		{"30D", 0, false},
		{"P5M", 0, false}, // months are not taken
		{"PT5D", 0, false},
		{"P30", 0, false},
		{"P99999999999999999999D", 0, false},
		{"P1048576W", 0, false},
		{"P3650D", 3650 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseDuration(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRateWait(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"reset by Date", h("X-Rate-Limit-Reset", reset(5*time.Second), "Date", now.Format(http.TimeFormat)), 5 * time.Second},
		{"skewed local clock", h("X-Rate-Limit-Reset", reset(3*time.Second), "Date", now.Format(http.TimeFormat)), 3 * time.Second},
		{"reset passed", h("X-Rate-Limit-Reset", reset(-10*time.Second)), time.Second},
		{"far reset capped", h("X-Rate-Limit-Reset", reset(time.Hour)), maxRateWait},
		{"nothing", h(), time.Second},
		{"Retry-After only", h("Retry-After", "4"), 4 * time.Second},
	}
	for _, tt := range tests {
		clock := now
		if tt.name == "skewed local clock" {
			clock = now.Add(-time.Hour) // the answer's Date wins
		}
		if got := rateWait(tt.h, clock); got != tt.want {
			t.Errorf("%s: rateWait = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestForeignNextLinkRefused(t *testing.T) {
	t.Parallel()
	a := &api{base: "https://example.okta.com"}
	for _, link := range []string{`<https://evil.example/api/v1/users?after=x>; rel="next"`, `<http://example.okta.com/api/v1/users>; rel="next"`} {
		h := http.Header{"Link": {link}}
		if _, err := a.next(h); err != errForeignLink {
			t.Errorf("next(%s) = %v, want errForeignLink", link, err)
		}
	}
	h := http.Header{"Link": {`<https://example.okta.com/api/v1/users?limit=2>; rel="self"`, `<https://example.okta.com/api/v1/users?after=b&limit=2>; rel="next"`}}
	if got, err := a.next(h); err != nil || got != "https://example.okta.com/api/v1/users?after=b&limit=2" {
		t.Errorf("next = %q, %v", got, err)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"P30D", "PT5M", "P1DT12H", "P", "PT", "P1W2D", "P-1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDuration(s)
		if ok && d <= 0 {
			t.Errorf("parseDuration(%q) = %v, true; want a positive duration", s, d)
		}
		if !ok && d != 0 {
			t.Errorf("parseDuration(%q) = %v, false; want 0", s, d)
		}
	})
}

func FuzzEventCursor(f *testing.F) {
	f.Add(`{"since":"2026-01-01T00:00:00Z","seen":["a"]}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseEventCursor(nhi.Cursor(s))
		if err != nil {
			return
		}
		again, err := parseEventCursor(nhi.Cursor(c.String()))
		if err != nil || !again.Since.Equal(c.Since) || len(again.Seen) != len(c.Seen) {
			t.Errorf("cursor %q does not survive a round trip: %v", s, err)
		}
	})
}
