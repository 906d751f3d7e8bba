// Package answers holds the HTTP answer handling every connector shares: Retry-After
// parsing, draining answers so connections are reused, and capping answer bodies. It is
// internal to the connectors.
package answers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits of one answer.
const (
	// MaxErrorBody is how much of an error answer is read.
	MaxErrorBody = 64 << 10
	// MaxBody is the largest answer accepted: the cap bounds what a broken or hostile
	// server can make a scan hold.
	MaxBody = 32 << 20
	// MaxRetryAfter bounds a server's Retry-After.
	MaxRetryAfter = 10 * time.Minute
)

// ErrTooLarge is the read error of an answer over its cap.
var ErrTooLarge = errors.New("answer over 32 MiB")

// RetryAfter returns the wait a Retry-After header asks for (seconds or an HTTP date),
// capped at MaxRetryAfter; 0 when there is none.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(max(n, 0), int64(MaxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// Discard drains a little of an answer and closes it, so the connection can be reused.
func Discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBody))
	_ = resp.Body.Close()
}

// Cap returns body reading at most limit bytes (failing with ErrTooLarge past them) and
// calling cancel, which ends the request's context, when closed.
func Cap(body io.ReadCloser, limit int64, cancel context.CancelFunc) io.ReadCloser {
	return &cappedBody{r: body, left: limit, cancel: cancel}
}

// cappedBody is an answer body that fails past a size and ends its attempt's context
// when closed.
type cappedBody struct {
	r      io.ReadCloser
	left   int64
	cancel context.CancelFunc
}

// Read reads from the body, failing with ErrTooLarge past the cap.
func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 && err != nil {
			return 0, err // the body ended right at the cap
		}
		return 0, ErrTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close closes the body and releases the attempt's context.
func (b *cappedBody) Close() error {
	err := b.r.Close()
	b.cancel()
	return err
}
