package risk

import (
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
)

// day is 24 hours; thresholds in days compare durations, not calendar dates.
const day = 24 * time.Hour

// maxEvidenceScopes is the most scopes a permission signal lists one by one.
const maxEvidenceScopes = 10

// olderThan reports whether t is known and more than days before now.
func olderThan(now, t time.Time, days int) bool {
	return !now.IsZero() && !t.IsZero() && now.Sub(t) > time.Duration(days)*day
}

// within reports whether t is known and at most days before now (or after it).
func within(now, t time.Time, days int) bool {
	return !now.IsZero() && !t.IsZero() && now.Sub(t) <= time.Duration(days)*day
}

// date formats t as YYYY-MM-DD in UTC.
func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// count formats n with its unit, singular or plural: "1 day", "213 days".
func count(n int, unit string) string {
	var buf [32]byte
	return string(appendCount(buf[:0], n, unit))
}

func appendCount(b []byte, n int, unit string) []byte {
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ' ')
	b = append(b, unit...)
	if n != 1 {
		b = append(b, 's')
	}
	return b
}

// ago formats a past time: "2026-05-02, 213 days ago".
func ago(t, now time.Time) string { return agoLine("", t, now) }

// agoLine is prefix followed by ago(t, now), made in one allocation.
func agoLine(prefix string, t, now time.Time) string {
	var buf [128]byte
	b := append(buf[:0], prefix...)
	b = t.UTC().AppendFormat(b, time.DateOnly)
	b = append(b, ", "...)
	b = appendCount(b, int(now.Sub(t)/day), "day")
	return string(append(b, " ago"...))
}

// ahead formats a future time: "2026-06-10, in 12 days".
func ahead(t, now time.Time) string {
	var buf [64]byte
	b := t.UTC().AppendFormat(buf[:0], time.DateOnly)
	b = append(b, ", in "...)
	return string(appendCount(b, int(t.Sub(now)/day), "day"))
}

// who names a person for evidence: their email, else their name, else their ID.
func who(p *nhi.Person) string {
	switch {
	case p.Email != "":
		return p.Email
	case p.Name != "":
		return p.Name
	}
	return p.ExternalID
}

// quoted quotes a tenant-supplied name with every non-ASCII character escaped, so that
// look-alike letters show for what they are.
func quoted(name string) string { return strconv.QuoteToASCII(name) }

// credName names a credential for evidence: "client_secret 3f2a".
func credName(c *nhi.Credential) string {
	t := c.Type
	if t == "" {
		t = "credential"
	}
	if c.ID == "" {
		return t
	}
	return t + " " + c.ID
}

func hasTier(tiers []Tier, t Tier) bool {
	for _, x := range tiers {
		if x == t {
			return true
		}
	}
	return false
}

// attrTrue reports whether attribute k of m is "true".
func attrTrue(m map[string]string, k string) bool { return m[k] == "true" }
