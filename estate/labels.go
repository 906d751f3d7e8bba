package estate

import (
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The risks the generator labels.
const (
	// RiskOwnerDeparted is a grant whose person has left (is deleted).
	RiskOwnerDeparted = "owner.departed"
	// RiskOwnerSuspended is a grant whose person is suspended.
	RiskOwnerSuspended = "owner.suspended"
	// RiskUsageStale is a grant last used more than StaleAfter before Now, or never used
	// and authorized more than StaleAfter before Now.
	RiskUsageStale = "usage.stale"
	// RiskAppSuspicious is a suspicious app; its subject is the app's client ID.
	RiskAppSuspicious = "app.suspicious"
	// RiskPermissionCritical is a grant holding a critical scope (IsCriticalScope).
	RiskPermissionCritical = "permission.critical"
	// RiskUsageTorExit is a grant of a web app whose last use, within the token audit
	// log's AuditLookBack, came from a Tor exit: its app calls through Tor (Vendor.ViaTor)
	// or its token is stolen (Grant.FromTor).
	RiskUsageTorExit = "usage.tor_exit"
)

// AuditLookBack is how far back Google's token audit log (Reports API) keeps events: a
// use older than that shows no address.
const AuditLookBack = 180 * 24 * time.Hour

// LabelPlatform is the platform of every label the generator makes.
const LabelPlatform = string(nhi.PlatformGoogleWorkspace)

// IsCriticalScope reports whether scope is critical by the generator's own ground-truth
// list: full Gmail, full Drive, mail forwarding and delegation, full Google Cloud, and the
// admin scopes that change the directory (users, groups, roles, domains, user security).
// Read-only admin scopes and Gmail modify (broad, but bounded to one mailbox's messages)
// are not on it; the list follows the tiers of shared/reference/saas-apis.md section 9.1. The list is the generator's, independent of any risk
// engine, on purpose: the labels it drives are what the engine is measured against.
func IsCriticalScope(scope string) bool {
	switch scope {
	case ScopeMail,
		scopePrefix + "drive",
		scopePrefix + "cloud-platform",
		scopePrefix + "gmail.settings.sharing",
		scopePrefix + "admin.directory.user",
		scopePrefix + "admin.directory.user.security",
		scopePrefix + "admin.directory.group",
		scopePrefix + "admin.directory.rolemanagement",
		scopePrefix + "admin.directory.domain":
		return true
	}
	return false
}

// GrantSubject returns the label subject of a grant of the estate:
// "<GoogleID>/<GoogleClientID>".
func (e *Estate) GrantSubject(g Grant) string {
	return e.People[g.Person].GoogleID + "/" + e.Vendors[g.Vendor].GoogleClientID
}

// riskSet is a set of the risks of a grant, a bit for each of grantRisks in order.
type riskSet uint8

// grantRisks lists the risks a grant can carry, in the order its labels come.
func grantRisks() [5]string {
	return [5]string{RiskOwnerDeparted, RiskOwnerSuspended, RiskUsageStale, RiskPermissionCritical, RiskUsageTorExit}
}

// computeLabels derives the ground-truth labels from the generator's own data: one
// RiskAppSuspicious label per suspicious vendor with a live grant, in vendor order, then
// the labels of each grant in grant order. The subjects of a grant's labels share one
// string, and all the subjects one allocation.
func computeLabels(now time.Time, people []Person, vendors []Vendor, grants []Grant) []Label {
	granted := make([]bool, len(vendors))
	sets := make([]riskSet, len(grants))
	count, size := 0, 0
	for i, g := range grants {
		granted[g.Vendor] = true
		sets[i] = risksOf(now, people[g.Person].Status, g, &vendors[g.Vendor])
		if sets[i] != 0 {
			count += bits.OnesCount8(uint8(sets[i]))
			size += len(people[g.Person].GoogleID) + 1 + len(vendors[g.Vendor].GoogleClientID)
		}
	}
	labels := make([]Label, 0, len(vendors)+count)
	for v := range vendors {
		if vendors[v].Suspicious && granted[v] {
			labels = append(labels, Label{RiskAppSuspicious, LabelPlatform, vendors[v].GoogleClientID})
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i, g := range grants {
		if sets[i] != 0 {
			b.WriteString(people[g.Person].GoogleID)
			b.WriteByte('/')
			b.WriteString(vendors[g.Vendor].GoogleClientID)
		}
	}
	subjects, names := b.String(), grantRisks()
	for i, g := range grants {
		if sets[i] == 0 {
			continue
		}
		n := len(people[g.Person].GoogleID) + 1 + len(vendors[g.Vendor].GoogleClientID)
		subject := subjects[:n]
		subjects = subjects[n:]
		for k, risk := range names {
			if sets[i]&(1<<k) != 0 {
				labels = append(labels, Label{risk, LabelPlatform, subject})
			}
		}
	}
	return labels
}

// risksOf returns the risks of a live grant to v whose person has status.
func risksOf(now time.Time, status Status, g Grant, v *Vendor) riskSet {
	var set riskSet
	switch status {
	case Departed:
		set |= 1 << 0
	case Suspended:
		set |= 1 << 1
	}
	last := g.LastUsedAt
	if last.IsZero() {
		last = g.AuthorizedAt
	}
	if now.Sub(last) > StaleAfter {
		set |= 1 << 2
	}
	if slices.ContainsFunc(g.Scopes, IsCriticalScope) {
		set |= 1 << 3
	}
	if !v.Native && (v.ViaTor || g.FromTor) && !g.LastUsedAt.IsZero() && !g.LastUsedAt.Before(now.Add(-AuditLookBack)) {
		set |= 1 << 4
	}
	return set
}
