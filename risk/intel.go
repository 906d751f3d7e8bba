package risk

import (
	_ "embed"
	"sort"

	"github.com/nhiscope/nhi"
)

// IntelKind says why an app is in the threat intelligence pack.
type IntelKind string

// The kinds of intelligence entry.
const (
	// IntelMalicious is an app built or used to attack (consent phishing, data theft).
	IntelMalicious IntelKind = "malicious"
	// IntelBreached is a legitimate vendor's app whose tokens were stolen in an incident.
	IntelBreached IntelKind = "breached"
	// IntelAbused is a legitimate app that attackers repeatedly use after taking over an
	// account ("traitorware": mailbox sync clients, bulk mailers, file sync tools). Its
	// presence is a lead to investigate, not proof of compromise.
	IntelAbused IntelKind = "abused"
)

// valid reports whether k is one of the kinds above.
func (k IntelKind) valid() bool {
	return k == IntelMalicious || k == IntelBreached || k == IntelAbused
}

// IntelEntry is one known-bad third-party app, matched by its platform ID, never its name.
type IntelEntry struct {
	Platform nhi.Platform
	// AppID is the app's ID on the platform (an OAuth client ID, an Entra appId).
	AppID string
	// Vendor is who publishes the app, or the incident's named party.
	Vendor string
	// App is the app's display name as the source reports it (for people; never matched).
	App  string
	Kind IntelKind
	// Incident is the title of the incident or campaign the entry comes from.
	Incident string
	// Date is the incident's date, YYYY-MM-DD.
	Date string
	// Source is the URL that published the app's ID.
	Source string
}

// IntelIncident is one incident or campaign of the pack with the apps it names. An
// incident may name no app when no ID was ever published; it is kept so that people can
// see the pack knows of it.
type IntelIncident struct {
	ID      string
	Vendor  string
	Kind    IntelKind
	Title   string
	Date    string
	Sources []string
	// Note explains the entry, and why an incident names no app.
	Note string
	Apps []IntelEntry
}

type intelKey struct {
	platform nhi.Platform
	appID    string
}

// Intel is a threat intelligence pack. It is immutable and safe for concurrent use.
type Intel struct {
	version   int
	generated string
	byKey     map[intelKey]IntelEntry
	incidents []IntelIncident
}

//go:embed intel/pack.yaml
var defaultPack []byte

// DefaultIntel parses the pack embedded in the binary.
func DefaultIntel() (*Intel, error) { return ParseIntel("intel/pack.yaml", defaultPack) }

// Match returns the entry for an app, if the pack has one. The ID is compared exactly:
// Entra appIds as the lowercase GUIDs Graph returns, Google client IDs in full.
func (i *Intel) Match(p nhi.Platform, appID string) (IntelEntry, bool) {
	if i == nil {
		return IntelEntry{}, false
	}
	e, ok := i.byKey[intelKey{p, appID}]
	return e, ok
}

// Version returns the pack's version; a newer pack has a higher one.
func (i *Intel) Version() int { return i.version }

// Generated returns the date the pack was generated, YYYY-MM-DD.
func (i *Intel) Generated() string { return i.generated }

// Len returns how many apps the pack matches.
func (i *Intel) Len() int { return len(i.byKey) }

// Entries returns every app entry, ordered by platform, vendor and app ID.
func (i *Intel) Entries() []IntelEntry {
	out := make([]IntelEntry, 0, len(i.byKey))
	for _, e := range i.byKey {
		out = append(out, e)
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.Platform != y.Platform {
			return x.Platform < y.Platform
		}
		if x.Vendor != y.Vendor {
			return x.Vendor < y.Vendor
		}
		return x.AppID < y.AppID
	})
	return out
}

// Incidents returns the pack's incidents in file order. The slices are copies.
func (i *Intel) Incidents() []IntelIncident {
	out := make([]IntelIncident, len(i.incidents))
	for n, inc := range i.incidents {
		inc.Sources = append([]string(nil), inc.Sources...)
		inc.Apps = append([]IntelEntry(nil), inc.Apps...)
		out[n] = inc
	}
	return out
}
