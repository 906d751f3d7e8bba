package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestCSVDefusesFormulas(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := newCSV(&b)
	w.row("=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain", "")
	w.flush()
	want := "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),plain,\n"
	if b.String() != want {
		t.Errorf("csv = %q, want %q", b.String(), want)
	}
}

func TestTableStripsTerminalEscapes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := newTable(&b)
	w.row("evil\x1b[31mred\x1b[0m\ttab", "<b>x</b>")
	w.flush()
	if strings.ContainsRune(b.String(), 0x1b) {
		t.Errorf("escape reached the terminal: %q", b.String())
	}
	if !strings.Contains(b.String(), "<b>x</b>") {
		t.Errorf("markup must stay visible as text: %q", b.String())
	}
}

func TestParseBefore(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"", time.Time{}, true},
		{"90d", now.Add(-90 * 24 * time.Hour), true},
		{"36h", now.Add(-36 * time.Hour), true},
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), true},
		{"2026-01-31T10:00:00Z", time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC), true},
		{"-5d", time.Time{}, false},
		{"ninety days", time.Time{}, false},
		{"9x0d", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := parseBefore(tt.in, now)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseBefore(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "[::1]:8080": true, "localhost:9": true,
		"0.0.0.0:80": false, "10.0.0.1:80": false, "example.com:80": false, "nonsense": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5: "-5"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
