package nhi

import "time"

// Cursor is a connector's opaque bookmark: where an incremental scan resumes. The zero
// Cursor asks for a full scan. Only the connector that issued a cursor can read it.
type Cursor string

// ScanStatus is the outcome of a scan.
type ScanStatus string

// The statuses of a scan.
const (
	// ScanRunning is a scan that has started and not yet finished (or whose process died).
	ScanRunning ScanStatus = "running"
	// ScanSucceeded is a scan that enumerated everything it set out to.
	ScanSucceeded ScanStatus = "succeeded"
	// ScanPartial is a scan that finished but failed on some sub-resources.
	ScanPartial ScanStatus = "partial"
	// ScanFailed is a scan that could not go on.
	ScanFailed ScanStatus = "failed"
)

// ScanCounts are the figures of one scan.
type ScanCounts struct {
	People     int `json:"people"`
	Apps       int `json:"apps"`
	Identities int `json:"identities"`
	// Gone counts identities and people marked gone by this scan.
	Gone int `json:"gone"`
	// Failures counts per-item failures reported by the connector.
	Failures int `json:"failures"`
	// Requests and Throttled count HTTP requests made and throttled answers received.
	Requests  int `json:"requests"`
	Throttled int `json:"throttled"`
	// Findings counts the findings the risk evaluation after the scan produced, and
	// Resolved those it resolved.
	Findings int `json:"findings"`
	Resolved int `json:"resolved"`
	// Proposed counts the actions the policies proposed in new plans, Plans those plans,
	// and Alerts the matches of alert-only policies.
	Proposed int `json:"proposed,omitempty"`
	Plans    int `json:"plans,omitempty"`
	Alerts   int `json:"alerts,omitempty"`
}

// Scan is the record of one discovery pass of one connector over one tenant.
type Scan struct {
	ID         string     `json:"id"`
	Connector  string     `json:"connector"`
	Platform   Platform   `json:"platform"`
	Tenant     string     `json:"tenant"`
	Full       bool       `json:"full"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt time.Time  `json:"finished_at,omitzero"`
	Status     ScanStatus `json:"status"`
	Counts     ScanCounts `json:"counts"`
	// Errors holds user-safe messages of the failures, at most a bounded number.
	Errors []string `json:"errors,omitempty"`
}
