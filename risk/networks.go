package risk

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Networks is an offline dataset of address ranges with the autonomous system and
// provider that announce them, and whether the provider is a hosting or cloud provider
// (where stolen tokens are typically used from) or a Tor exit. The user loads and
// refreshes it from a file; nhi reaches no service to look addresses up.
//
// The file is CSV with a header line: cidr,asn,org,kind where kind is "hosting",
// "tor" or "isp"; lines starting with # are comments. A nil *Networks knows nothing.
type Networks struct {
	// v4 and v6 are the ranges, sorted by first address, not overlapping.
	v4, v6 []netRange
}

// Network is what the dataset says of an address.
type Network struct {
	Prefix  netip.Prefix
	ASN     int
	Org     string
	Hosting bool
	Tor     bool
}

// Describe says n in words.
func (n Network) Describe() string {
	kind := "an access network"
	switch {
	case n.Tor:
		kind = "a Tor exit"
	case n.Hosting:
		kind = "a hosting provider"
	}
	return fmt.Sprintf("%s (AS%d, %s; %s)", kind, n.ASN, n.Org, n.Prefix)
}

type netRange struct {
	first, last netip.Addr
	net         Network
}

// maxRanges bounds the ranges one file may hold.
const maxRanges = 2_000_000

// ParseNetworks reads a dataset; every malformed line is an error naming its line.
func ParseNetworks(r io.Reader) (*Networks, error) {
	n := &Networks{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || (line == 1 && strings.HasPrefix(text, "cidr,")) {
			continue
		}
		rg, err := parseRange(text)
		if err != nil {
			return nil, fmt.Errorf("networks: line %d: %w", line, err)
		}
		if rg.first.Is4() {
			n.v4 = append(n.v4, rg)
		} else {
			n.v6 = append(n.v6, rg)
		}
		if len(n.v4)+len(n.v6) > maxRanges {
			return nil, fmt.Errorf("networks: more than %d ranges", maxRanges)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("networks: line %d: %w", line+1, err)
	}
	for _, rs := range []*[]netRange{&n.v4, &n.v6} {
		slices.SortFunc(*rs, func(a, b netRange) int { return a.first.Compare(b.first) })
		for i := 1; i < len(*rs); i++ {
			if (*rs)[i].first.Compare((*rs)[i-1].last) <= 0 {
				return nil, fmt.Errorf("networks: %s overlaps %s", (*rs)[i].net.Prefix, (*rs)[i-1].net.Prefix)
			}
		}
	}
	return n, nil
}

// parseRange reads "cidr,asn,org,kind".
func parseRange(text string) (netRange, error) {
	f := strings.Split(text, ",")
	if len(f) != 4 {
		return netRange{}, fmt.Errorf("want cidr,asn,org,kind, got %d fields", len(f))
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(f[0]))
	if err != nil {
		return netRange{}, fmt.Errorf("bad cidr %q", f[0])
	}
	p = p.Masked()
	asn, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(f[1]), "AS"))
	if err != nil || asn < 0 || asn > 1<<32-1 {
		return netRange{}, fmt.Errorf("bad asn %q", f[1])
	}
	nw := Network{Prefix: p, ASN: asn, Org: strings.TrimSpace(f[2])}
	switch strings.TrimSpace(f[3]) {
	case "hosting":
		nw.Hosting = true
	case "tor":
		nw.Tor = true
	case "isp":
	default:
		return netRange{}, fmt.Errorf("bad kind %q (want hosting, tor or isp)", f[3])
	}
	return netRange{first: p.Addr(), last: lastAddr(p), net: nw}, nil
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// Lookup returns what the dataset says of addr.
func (n *Networks) Lookup(addr string) (Network, bool) {
	if n == nil {
		return Network{}, false
	}
	a, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil {
		return Network{}, false
	}
	a = a.Unmap()
	rs := n.v6
	if a.Is4() {
		rs = n.v4
	}
	i, _ := slices.BinarySearchFunc(rs, a, func(r netRange, t netip.Addr) int { return r.first.Compare(t) })
	// i is the first range starting after a (or at a); the candidate is at i or i-1.
	for _, j := range []int{i, i - 1} {
		if j >= 0 && j < len(rs) && rs[j].first.Compare(a) <= 0 && a.Compare(rs[j].last) <= 0 {
			return rs[j].net, true
		}
	}
	return Network{}, false
}

// Kinds returns how many ranges are Tor exits, hosting providers and access networks.
func (n *Networks) Kinds() (tor, hosting, isp int) {
	if n == nil {
		return 0, 0, 0
	}
	for _, rs := range [][]netRange{n.v4, n.v6} {
		for _, r := range rs {
			switch {
			case r.net.Tor:
				tor++
			case r.net.Hosting:
				hosting++
			default:
				isp++
			}
		}
	}
	return tor, hosting, isp
}

// Len returns the number of ranges.
func (n *Networks) Len() int {
	if n == nil {
		return 0
	}
	return len(n.v4) + len(n.v6)
}
