package okta

import (
	"context"
	"time"
)

// SetFastRetries makes c retry at once, a few times, so that tests of lasting failures
// end quickly.
func SetFastRetries(c *Connector) {
	c.retry = retryPolicy{throttled: 2, failures: 2, backoff: time.Millisecond}
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
}
