package estate

import (
	"fmt"
	"net/netip"
	"strings"
)

// Where the vendors' apps call Google's APIs from, as the token audit log's activity
// events show it (their ipAddress is the caller's): a web app's own servers, a native
// app's users' devices. The estate's internet:
//
//	3.208.0.0/12     Amazon Web Services us-east-1 (AS16509)    hosting
//	34.64.0.0/10     Google Cloud (AS396982)                     hosting
//	159.203.0.0/16   DigitalOcean (AS14061)                      hosting
//	185.220.101.0/24 Tor exit relays                             tor
//	192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24  the people's access networks (RFC 5737)
//
// The provider blocks are real published ranges, so that a provider lookup sees a
// vendor's calls where such a vendor's would come from; each vendor's /24 within them is
// the estate's invention, not its real address. 185.220.101.0/24 is a block public Tor
// exit lists have long carried; its AS number here is a documentation one (RFC 5398).
// Legitimate web apps run in the two clouds; of the malicious ones, some rent servers at
// DigitalOcean and some hide behind Tor (flag viaTor), which their calls then come from.

// The providers the vendors' servers run at.
var (
	netAWS = netip.MustParsePrefix("3.208.0.0/12")
	netGCP = netip.MustParsePrefix("34.64.0.0/10")
	netVPS = netip.MustParsePrefix("159.203.0.0/16")
	netTor = netip.MustParsePrefix("185.220.101.0/24")
)

// NetworksCSV returns the estate's internet as its Google Workspace tenant sees it, as a
// networks dataset (CSV cidr,asn,org,kind, the form `nhi intel networks` installs): the
// providers the vendors' servers run at, the Tor exits and the people's access networks.
// The Salesforce org's vendor blocks (salesforce_net.go) are not in it.
func NetworksCSV() []byte {
	var b strings.Builder
	b.WriteString("cidr,asn,org,kind\n# the estate's internet (estate/google_net.go)\n")
	for _, l := range []struct {
		p         netip.Prefix
		asn       int
		org, kind string
	}{
		{netAWS, 16509, "Amazon Web Services", "hosting"},
		{netGCP, 396982, "Google Cloud", "hosting"},
		{netVPS, 14061, "DigitalOcean", "hosting"},
		{netTor, 64511, "Tor exit relays", "tor"},
		{netip.MustParsePrefix("192.0.2.0/24"), 64500, "Example Broadband (UK)", "isp"},
		{netip.MustParsePrefix("198.51.100.0/24"), 64501, "Example Business Fiber", "isp"},
		{netip.MustParsePrefix("203.0.113.0/24"), 64502, "Example Broadband (US)", "isp"},
	} {
		fmt.Fprintf(&b, "%s,AS%d,%s,%s\n", l.p, l.asn, l.org, l.kind)
	}
	return []byte(b.String())
}

// How rarely a grant of a common app is used from Tor: one in this many of a web app's
// (a stolen token), of a native app's (its user on Tor).
const (
	torWebEvery    = 1500
	torNativeEvery = 150
)

// markTorGrants marks a few used grants of common apps (popularity 5% and up, so that the
// app has many other grants) as used from Tor exits: stolen tokens of web apps, and
// people on Tor using native ones. They are decoys for app.tor_usage, which must not take
// a popular app for a malicious one, and cases for usage.tor_exit.
func markTorGrants(vendors []Vendor, grants []Grant) {
	for i := range grants {
		g := &grants[i]
		v := &vendors[g.Vendor]
		every := uint64(torWebEvery)
		if v.Native {
			every = torNativeEvery
		}
		if !g.LastUsedAt.IsZero() && !v.Suspicious && v.Popularity >= 0.05 && mixInt(uint64(i))%every == 0 {
			g.FromTor = true
		}
	}
}

// TorExitAddr returns the address of a Tor exit of the estate's internet, picked by seed.
func TorExitAddr(seed uint64) netip.Addr {
	a := netTor.Addr().As4()
	a[3] = byte(1 + seed%254)
	return netip.AddrFrom4(a)
}

// serverNet returns the /24 a vendor's servers call from: none for a native app, the Tor
// exits for one flagged viaTor, a DigitalOcean /24 for another malicious app, else a /24
// in one of the two clouds, both derived from the app's name.
func serverNet(product string, native bool, flags vendorFlags) netip.Prefix {
	switch {
	case native:
		return netip.Prefix{}
	case flags&viaTor != 0:
		return netTor
	}
	h := mix(product)
	base := netAWS
	switch {
	case flags&suspicious != 0:
		base = netVPS
	case h&1 == 1:
		base = netGCP
	}
	// a /24 within base: base's free bits above the last octet, from the hash
	a := base.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8
	free := 24 - base.Bits()
	v |= uint32(h>>8) & (1<<free - 1) << 8
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}), 24)
}

// mixInt hashes an integer (the splitmix64 finalizer).
func mixInt(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// mix hashes a string (64-bit FNV-1a).
func mix(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// ServerAddr returns the address app v's servers call with when they act on a grant of
// person: a host of v.Servers picked by seed, or the zero Addr for a native app (whose
// calls come from the person's device).
func (v *Vendor) ServerAddr(seed uint64) netip.Addr {
	if !v.Servers.IsValid() {
		return netip.Addr{}
	}
	a := v.Servers.Addr().As4()
	a[3] = byte(1 + seed%254)
	return netip.AddrFrom4(a)
}
