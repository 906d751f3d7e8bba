package salesforce

import "time"

// FastRetries makes c retry server errors quickly, for tests (throttled answers still
// wait as long as their Retry-After says).
func FastRetries(c *Connector) {
	c.retry = retryPolicy{attempts: 3, base: 5 * time.Millisecond, max: 20 * time.Millisecond}
}

// SetMaxFiles bounds the event log files one events poll of c reads.
func SetMaxFiles(c *Connector, n int) { c.maxFiles = n }
