package risk

import (
	"cmp"
	"slices"

	"github.com/nhiscope/nhi"
)

// MaxPoints is the highest score: the sum of the contributions is capped at it.
const MaxPoints = 100

// The severity bands of a score: a score of at least BandCritical points is critical, at
// least BandHigh high, at least BandMedium medium, above zero low, and zero info.
const (
	BandCritical = 70
	BandHigh     = 45
	BandMedium   = 20
)

// Band returns the severity band of a score.
func Band(points int) nhi.Severity {
	switch {
	case points >= BandCritical:
		return nhi.SeverityCritical
	case points >= BandHigh:
		return nhi.SeverityHigh
	case points >= BandMedium:
		return nhi.SeverityMedium
	case points > 0:
		return nhi.SeverityLow
	}
	return nhi.SeverityInfo
}

// Contribution is one signal that hit, with what it adds to the score and why.
type Contribution struct {
	Signal, Title string
	// Severity is the signal's severity, whatever the score's band.
	Severity nhi.Severity
	// Points is the signal's weight.
	Points int
	// OWASP is the signal's OWASP NHI Top 10 items; it is shared with the engine and
	// must not be modified.
	OWASP    []string
	Evidence []string
}

// Score is the explained risk of one identity or app.
type Score struct {
	// Points is the sum of the contributions' points, capped at MaxPoints.
	Points int
	// Severity is the band of Points.
	Severity nhi.Severity
	// Contributions lists the signals that hit, by points (most first), then by signal ID.
	Contributions []Contribution
}

// finish caps the points, sets the band and orders the contributions.
func (s *Score) finish() {
	s.Points = min(s.Points, MaxPoints)
	s.Severity = Band(s.Points)
	slices.SortFunc(s.Contributions, func(a, b Contribution) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		return cmp.Compare(a.Signal, b.Signal)
	})
}

// Findings turns the contributions into findings about one subject: an identity (its nhi
// ID) or an app (its nhi.AppKey). A finding's severity is its signal's; its ID is
// nhi.NewFindingID of the signal and subject, so it is stable across evaluations. The
// findings are open; the store keeps their history.
func (s Score) Findings(kind nhi.SubjectKind, subjectID string, p nhi.Platform, tenant, appID, ownerID string) []nhi.Finding {
	if len(s.Contributions) == 0 {
		return nil
	}
	out := make([]nhi.Finding, len(s.Contributions))
	for i, c := range s.Contributions {
		out[i] = nhi.Finding{
			ID: nhi.NewFindingID(c.Signal, kind, subjectID), Signal: c.Signal, Title: c.Title,
			Severity: c.Severity, Points: c.Points, OWASP: slices.Clone(c.OWASP),
			SubjectKind: kind, SubjectID: subjectID, Platform: p, Tenant: tenant,
			AppID: appID, OwnerID: ownerID, Evidence: slices.Clone(c.Evidence), Status: nhi.FindingOpen,
		}
	}
	return out
}
