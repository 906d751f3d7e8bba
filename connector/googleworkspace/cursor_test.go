package googleworkspace

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    cursor
		text string
	}{
		{cursor{at: 0}, "gws1:0"},
		{cursor{at: 1754992862123}, "gws1:1754992862123"},
		{cursor{at: 1754992862123, quals: []int64{-2817364518273645, 5153173006988512167}},
			"gws1:1754992862123:-2817364518273645,5153173006988512167"},
		{cursor{at: math.MaxInt64, quals: []int64{math.MinInt64}}, "gws1:9223372036854775807:-9223372036854775808"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.text {
			t.Errorf("String() = %q, want %q", got, tt.text)
		}
		got, err := parseCursor(nhi.Cursor(tt.text))
		if err != nil {
			t.Errorf("parseCursor(%q) = %v", tt.text, err)
			continue
		}
		if diff := cmp.Diff(tt.c, got, cmp.AllowUnexported(cursor{})); diff != "" {
			t.Errorf("parseCursor(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestCursorRejectsMalformed(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "gws1", "gws1:", "gws2:1", "gws1:-1", "gws1:01", "gws1:+1", "gws1:1:", "gws1:1:a", "gws1:1:1,,2",
		"gws1:1:1:2", "gws1: 1", "gws1:99999999999999999999", "GWS1:1", "gws1:1:" + strings.Repeat("1,", 64) + "1",
		"gws1:1\x1b[31m", strings.Repeat("x", 10000),
	} {
		_, err := parseCursor(nhi.Cursor(s))
		if nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("parseCursor(%q) = %v, want CodeInvalid", s, err)
			continue
		}
		if msg := err.Error(); strings.ContainsRune(msg, '\x1b') || len(msg) > 200 {
			t.Errorf("message %q echoes the cursor unsafely", msg)
		}
	}
}

func TestCursorCoversAndAdvance(t *testing.T) {
	t.Parallel()
	c := cursor{at: 100, quals: []int64{7}}
	tests := []struct {
		at, q int64
		want  bool
	}{
		{99, 1, false}, {99, 7, false}, {100, 7, true}, {100, 8, false}, {101, 7, false},
	}
	for _, tt := range tests {
		if got := c.covers(tt.at, tt.q); got != tt.want {
			t.Errorf("covers(%d, %d) = %v, want %v", tt.at, tt.q, got, tt.want)
		}
	}
	next := cursor{at: c.at, quals: append([]int64(nil), c.quals...)}
	for _, ev := range [][2]int64{{90, 1}, {100, 8}, {100, 8}, {100, 9}} {
		next.advance(ev[0], ev[1])
	}
	if diff := cmp.Diff(cursor{at: 100, quals: []int64{7, 8, 9}}, next, cmp.AllowUnexported(cursor{})); diff != "" {
		t.Errorf("after events at the same time (-want +got):\n%s", diff)
	}
	next.advance(200, -5)
	if diff := cmp.Diff(cursor{at: 200, quals: []int64{-5}}, next, cmp.AllowUnexported(cursor{})); diff != "" {
		t.Errorf("after a newer event (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{7}, c.quals); diff != "" {
		t.Errorf("advancing a copy changed the original (-want +got):\n%s", diff)
	}
}
