package nhi

import (
	"crypto/sha256"
	"time"
)

// Severity ranks a finding or a score.
type Severity string

// The severities, from least to most severe.
const (
	SeverityInfo     Severity = "info"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity from least to most severe.
func Severities() []Severity {
	return []Severity{SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// Rank orders severities: info is 1, critical 5, anything else 0.
func (s Severity) Rank() int {
	for i, x := range Severities() {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// ParseSeverity returns the severity with the given name.
func ParseSeverity(s string) (Severity, error) {
	if Severity(s).Rank() == 0 {
		return "", Errorf(CodeInvalid, "unknown severity %q (want info, low, medium, high or critical)", s)
	}
	return Severity(s), nil
}

// FindingStatus is where a finding stands.
type FindingStatus string

// The statuses of a finding.
const (
	// FindingOpen is a finding whose condition holds.
	FindingOpen FindingStatus = "open"
	// FindingResolved is a finding whose condition no longer holds (or whose subject is gone).
	FindingResolved FindingStatus = "resolved"
	// FindingSuppressed is an open finding a person accepted, with a reason and an expiry.
	FindingSuppressed FindingStatus = "suppressed"
)

// SubjectKind says what a finding is about.
type SubjectKind string

// The kinds of finding subject.
const (
	SubjectIdentity SubjectKind = "identity"
	SubjectApp      SubjectKind = "app"
)

// Suppression records that a person accepted a finding until a time.
type Suppression struct {
	Reason string    `json:"reason"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	// Until is when the suppression lapses and the finding opens again; zero is never.
	Until time.Time `json:"until,omitzero"`
}

// Finding is one risk signal that holds for one identity or app, with its evidence.
type Finding struct {
	// ID is stable across evaluations: NewFindingID(Signal, SubjectKind, SubjectID).
	ID     string `json:"id"`
	Signal string `json:"signal"`
	Title  string `json:"title"`
	// Severity is the signal's severity for this subject; Points its score contribution.
	Severity Severity `json:"severity"`
	Points   int      `json:"points"`
	// OWASP lists the OWASP Non-Human Identities Top 10 (2025) items, e.g. "NHI5:2025".
	OWASP       []string    `json:"owasp"`
	SubjectKind SubjectKind `json:"subject_kind"`
	// SubjectID is an identity's nhi ID, or an app's AppKey.
	SubjectID string   `json:"subject_id"`
	Platform  Platform `json:"platform"`
	Tenant    string   `json:"tenant"`
	// AppID and OwnerID are the external IDs of the subject's app and owner, if any.
	AppID    string   `json:"app_id,omitempty"`
	OwnerID  string   `json:"owner_id,omitempty"`
	Evidence []string `json:"evidence"`

	// Status, FirstSeen, LastSeen and ResolvedAt are kept by the store.
	Status      FindingStatus `json:"status"`
	FirstSeen   time.Time     `json:"first_seen,omitzero"`
	LastSeen    time.Time     `json:"last_seen,omitzero"`
	ResolvedAt  time.Time     `json:"resolved_at,omitzero"`
	Suppression *Suppression  `json:"suppression,omitempty"`
}

// NewFindingID derives the stable ID of a finding from its signal and subject.
func NewFindingID(signal string, kind SubjectKind, subjectID string) string {
	h := sha256.New()
	for _, s := range []string{signal, string(kind), subjectID} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return "fnd_" + idEncoding.EncodeToString(sum[:10])
}

// AppKey is the subject ID of an app's findings: platform, tenant and external ID.
func AppKey(p Platform, tenant, externalID string) string {
	return string(p) + "/" + tenant + "/" + externalID
}
