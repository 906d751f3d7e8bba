package entra

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter returns the wait a Retry-After header asks for (seconds or an HTTP date),
// capped at maxRetryAfter; 0 when there is none.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(max(n, 0), int64(maxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// discard drains a little of an answer and closes it, so the connection can be reused.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
}

// cappedBody is an answer body that fails past a size and ends its attempt's context
// when closed.
type cappedBody struct {
	r      io.ReadCloser
	left   int64
	cancel context.CancelFunc
}

// Read reads from the body, failing with errTooLarge past the cap.
func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 && err != nil {
			return 0, err // the body ended right at the cap
		}
		return 0, errTooLarge
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
