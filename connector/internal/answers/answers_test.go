package answers

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 8, 12, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"-3", 0},
		{"999999999", MaxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(time.Hour).Format(http.TimeFormat), MaxRetryAfter},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("Retry-After", tt.value)
		if got := RetryAfter(h, now); got != tt.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestCap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body  string
		limit int64
		err   error
	}{
		{"12345", 5, nil},
		{"12345", 10, nil},
		{"123456", 5, ErrTooLarge},
	} {
		cancelled := false
		b := Cap(io.NopCloser(strings.NewReader(tt.body)), tt.limit, func() { cancelled = true })
		got, err := io.ReadAll(b)
		if !errors.Is(err, tt.err) {
			t.Errorf("%q capped at %d: err %v, want %v", tt.body, tt.limit, err, tt.err)
		}
		if tt.err == nil && string(got) != tt.body {
			t.Errorf("%q capped at %d: read %q", tt.body, tt.limit, got)
		}
		if err := b.Close(); err != nil || !cancelled {
			t.Errorf("Close: err %v, context cancelled %v", err, cancelled)
		}
	}
}
