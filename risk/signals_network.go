package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
)

// networkSignals are the signals about where an app's tokens are used from. They need
// the networks dataset (Options.Networks); without it they never hit.
func networkSignals() []Signal {
	return []Signal{
		{
			ID:    "app.tor_usage",
			Title: "Tokens used from Tor exits",
			Rationale: "The platform's audit log shows the app's tokens calling its API from Tor exit " +
				"relays. A vendor's integration runs on its own servers or a cloud provider's; an " +
				"app whose calls come through Tor hides where it runs, as stolen tokens (OWASP's " +
				"secret leakage) and data-harvesting apps do. Needs a networks dataset (nhi intel networks). Revoke " +
				"the grants and find out who is behind the app.",
			OWASP: []string{nhi3, nhi2}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 50,
			Params: []Param{{Name: "min_identities", Default: 1, Min: 1, Unit: "identities",
				Doc: "identities last used from a Tor exit before the signal hits"}},
			Match: matchTorUsage,
			Hits:  []Example{{Name: "one grant last used from a Tor exit", App: exApp(usedFrom(exTorIP, 1), usedFrom(exCloudIP, 3))}},
			Misses: []Example{{Name: "used from the vendor's cloud", App: exApp(usedFrom(exCloudIP, 4))},
				{Name: "an address the dataset does not know", App: exApp(usedFrom("192.0.2.9", 1))},
				{Name: "never used", App: exApp()}},
		},
	}
}

// matchTorUsage hits when at least min_identities of the app's identities were last
// used from addresses the networks dataset lists as Tor exits.
func matchTorUsage(x *Eval) ([]string, bool) {
	in := x.App
	if x.networks == nil || len(in.UsedFrom) == 0 {
		return nil, false
	}
	type hit struct {
		addr string
		n    int
		net  Network
	}
	var hits []hit
	tor, total := 0, 0
	for addr, n := range in.UsedFrom {
		total += n
		if nw, ok := x.networks.Lookup(addr); ok && nw.Tor {
			hits = append(hits, hit{addr, n, nw})
			tor += n
		}
	}
	if tor < x.Param("min_identities") || tor == 0 {
		return nil, false
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.addr, b.addr)
	})
	ev := []string{fmt.Sprintf("%d of the %d identities with a known last-use address were last used from Tor exits", tor, total)}
	for i, h := range hits {
		if i == 3 {
			ev = append(ev, fmt.Sprintf("and %d more Tor addresses", len(hits)-i))
			break
		}
		ev = append(ev, fmt.Sprintf("%s (%d): %s", h.addr, h.n, h.net.Describe()))
	}
	return ev, true
}
