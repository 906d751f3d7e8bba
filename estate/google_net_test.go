package estate

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
)

// TestServerNets checks where the vendors' servers are: every web app's /24 lies in a
// block of the networks dataset of the kind its flags say (Tor for viaTor, hosting for
// the others), native apps have none, and the dataset's blocks do not overlap.
func TestServerNets(t *testing.T) {
	t.Parallel()
	csv := string(NetworksCSV())
	if !strings.HasPrefix(csv, "cidr,asn,org,kind\n") {
		t.Fatalf("dataset header: %q", csv)
	}
	blocks := map[string]string{} // prefix -> kind
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		if strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		blocks[f[0]] = f[3]
		lines = append(lines, f[0])
	}
	for _, a := range lines {
		for _, b := range lines {
			if a != b && mustPrefix(t, a).Overlaps(mustPrefix(t, b)) {
				t.Errorf("%s overlaps %s", a, b)
			}
		}
	}
	viaTorApps := map[string]bool{"PDF Docs Sync": true, "ChatGPT Pro Free Access": true, "Invoice Viewer \u202egpj.exe": true}
	tor := 0
	for _, v := range catalogue() {
		if v.Native {
			if v.Servers.IsValid() {
				t.Errorf("native %q has servers %s", v.Product, v.Servers)
			}
			continue
		}
		kind := ""
		for p, k := range blocks {
			if mustPrefix(t, p).Contains(v.Servers.Addr()) {
				kind = k
			}
		}
		want := "hosting"
		if viaTorApps[v.Product] {
			want = "tor"
			tor++
		}
		if v.Servers.Bits() != 24 || kind != want {
			t.Errorf("%q: servers %s in a %q block, want a /24 in a %q one", v.Product, v.Servers, kind, want)
		}
		if a := v.ServerAddr(7); !v.Servers.Contains(a) || bytes.Equal(a.AsSlice()[3:], []byte{0}) {
			t.Errorf("%q: server address %s", v.Product, a)
		}
	}
	if tor != 3 {
		t.Errorf("%d apps call through Tor, want 3", tor)
	}
}

func mustPrefix(t *testing.T, s string) netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTorGrants checks the decoys: some used grants of common web apps (stolen tokens)
// and of common native apps (people on Tor) are used from Tor, none of a suspicious app.
func TestTorGrants(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 11, People: 5000})
	web, native := 0, 0
	for _, g := range e.Grants {
		if !g.FromTor {
			continue
		}
		v := e.Vendors[g.Vendor]
		switch {
		case v.Suspicious || g.LastUsedAt.IsZero() || v.Popularity < 0.05:
			t.Errorf("grant of %q (used %v) is used from Tor", v.Product, g.LastUsedAt)
		case v.Native:
			native++
		default:
			web++
		}
	}
	if web == 0 || native == 0 {
		t.Errorf("%d web and %d native grants used from Tor, want some of each", web, native)
	}
}
