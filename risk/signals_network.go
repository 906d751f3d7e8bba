package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
)

// networkSignals are the signals about where tokens are used from. They need the
// networks dataset (Options.Networks); without it they never hit. The dataset is today's:
// a last use months old is judged against the exits listed now.
func networkSignals() []Signal {
	return []Signal{
		{
			ID:    "usage.tor_exit",
			Title: "Last used from a Tor exit",
			Rationale: "The platform's audit log shows this grant's token last used from a Tor exit " +
				"relay. An integration's servers do not hide behind Tor: the token is likely in " +
				"someone else's hands (OWASP's secret leakage), or the app hides where it runs. " +
				"Installed (native) apps are left out: their calls come from the user's device, and a " +
				"person may use Tor. Needs a networks dataset (nhi intel networks); a use months old " +
				"is judged against the exits it lists now. Revoke the grant and find out who used it.",
			OWASP: []string{nhi2, nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 40,
			Match: matchTorExit,
			Hits:  []Example{{Name: "web app's grant last used from a Tor exit", Identity: exGrant(attr("last_used_ip", exTorIP))}},
			Misses: []Example{{Name: "used from the vendor's cloud", Identity: exGrant(attr("last_used_ip", exCloudIP))},
				{Name: "native app used by a person on Tor", Identity: exGrant(attr("last_used_ip", exTorIP), attr("native_app", "true"))},
				{Name: "no known address", Identity: exGrant()}},
		},
		{
			ID:    "app.tor_usage",
			Title: "App's tokens used from Tor exits",
			Rationale: "The platform's audit log shows most of the app's grants last used from Tor exit " +
				"relays. A vendor's integration runs on its own servers or a cloud provider's; an " +
				"app whose calls come through Tor hides where it runs, as data-harvesting apps do. " +
				"One stolen grant of a popular app is usage.tor_exit on that grant, not this. " +
				"Installed (native) apps are left out. Needs a networks dataset (nhi intel " +
				"networks). Revoke every grant and find out who is behind the app.",
			OWASP: []string{nhi3, nhi2}, Subject: nhi.SubjectApp, Severity: nhi.SeverityHigh, Weight: 50,
			Params: []Param{
				{Name: "min_identities", Default: 1, Min: 1, Unit: "identities",
					Doc: "identities last used from a Tor exit before the signal hits"},
				{Name: "min_percent", Default: 50, Min: 1, Unit: "percent",
					Doc: "share of the app's identities with a known last-use address that must be Tor exits"}},
			Match: matchTorUsage,
			Hits: []Example{{Name: "every grant last used from a Tor exit", App: exApp(usedFrom(exTorIP, 3))},
				{Name: "half of them", App: exApp(usedFrom(exTorIP, 2), usedFrom(exCloudIP, 2))}},
			Misses: []Example{{Name: "used from the vendor's cloud", App: exApp(usedFrom(exCloudIP, 4))},
				{Name: "one stolen grant of many", App: exApp(usedFrom(exTorIP, 1), usedFrom(exCloudIP, 9))},
				{Name: "an address the dataset does not know", App: exApp(usedFrom("192.0.2.9", 1))},
				{Name: "never used", App: exApp()}},
		},
	}
}

// matchTorExit hits when the identity's last use came from a Tor exit, and its calls come
// from its app's servers.
func matchTorExit(x *Eval) ([]string, bool) {
	id := &x.Identity.Identity
	ip := id.Attributes["last_used_ip"]
	if x.networks == nil || ip == "" || !serverSide(id) {
		return nil, false
	}
	nw, ok := x.networks.Lookup(ip)
	if !ok || !nw.Tor {
		return nil, false
	}
	return []string{fmt.Sprintf("last used from %s: %s", ip, nw.Describe())}, true
}

// matchTorUsage hits when at least min_identities, and min_percent, of the app's
// identities with a known last-use address were last used from Tor exits.
func matchTorUsage(x *Eval) ([]string, bool) {
	in := x.App
	if x.networks == nil || len(in.UsedFrom) == 0 {
		return nil, false
	}
	type hit struct {
		addr string
		use  AddrUse
		net  Network
	}
	var hits []hit
	tor, total := 0, in.UsedFromDropped
	for addr, u := range in.UsedFrom {
		total += u.N
		if nw, ok := x.networks.Lookup(addr); ok && nw.Tor {
			hits = append(hits, hit{addr, u, nw})
			tor += u.N
		}
	}
	if tor == 0 || tor < x.Param("min_identities") || tor*100 < x.Param("min_percent")*total {
		return nil, false
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.use.N != b.use.N {
			return b.use.N - a.use.N
		}
		return strings.Compare(a.addr, b.addr)
	})
	ev := []string{fmt.Sprintf("%d of the %d identities with a known last-use address were last used from Tor exits", tor, total)}
	for i, h := range hits {
		if i == 3 {
			ev = append(ev, fmt.Sprintf("and %d more Tor addresses", len(hits)-i))
			break
		}
		ev = append(ev, fmt.Sprintf("%s (%d, e.g. %s): %s", h.addr, h.use.N, h.use.Example, h.net.Describe()))
	}
	if in.UsedFromDropped > 0 {
		ev = append(ev, fmt.Sprintf("%d identities at addresses past the first %d were not looked up", in.UsedFromDropped, maxUsedFrom))
	}
	return ev, true
}
