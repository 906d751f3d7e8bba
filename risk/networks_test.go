package risk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nhiscope/nhi"
)

// TestNetworks checks parsing and lookup of the networks dataset, and its errors.
func TestNetworks(t *testing.T) {
	t.Parallel()
	n, err := ParseNetworks(strings.NewReader("cidr,asn,org,kind\n# comment\n203.0.113.0/24,AS64500,Example Cloud,hosting\n" +
		"198.51.100.128/25,64502,Relay,tor\n2001:db8::/32,64503,Example ISP,isp\n"))
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]string{"203.0.113.255": "Example Cloud", "198.51.100.200": "Relay",
		"198.51.100.1": "", "2001:db8:1::5": "Example ISP", "::ffff:203.0.113.1": "Example Cloud", "nope": ""} {
		got, ok := n.Lookup(addr)
		if ok != (want != "") || got.Org != want {
			t.Errorf("Lookup(%q) = %+v, %v; want %q", addr, got, ok, want)
		}
	}
	if n.Len() != 3 || (*Networks)(nil).Len() != 0 {
		t.Errorf("Len = %d, want 3", n.Len())
	}
	if tor, hosting, isp := n.Kinds(); tor != 1 || hosting != 1 || isp != 1 {
		t.Errorf("Kinds = %d, %d, %d; want 1, 1, 1", tor, hosting, isp)
	}
	for _, bad := range []string{"203.0.113.0/24,64500,X", "nope/24,1,X,isp", "10.0.0.0/8,xx,X,isp", "10.0.0.0/8,1,X,cloud",
		"10.0.0.0/8,1,X,isp\n10.1.0.0/16,2,Y,isp"} {
		if _, err := ParseNetworks(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseNetworks(%q) = nil error", bad)
		}
	}
}

// TestTorUsageNeedsNetworks scores one app whose grants were last used from a Tor exit,
// tallied from identities as the scan does: the signal hits with the networks dataset,
// names the address, and stays quiet without it.
func TestTorUsageNeedsNetworks(t *testing.T) {
	t.Parallel()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	in := exApp()
	for i, ip := range []string{exTorIP, exCloudIP, exCloudIP, ""} {
		id := nhi.Identity{ExternalID: fmt.Sprint("u", i), Attributes: map[string]string{}}
		if ip != "" {
			id.Attributes["last_used_ip"] = ip
		}
		in.AddIdentity(&id, nil)
	}
	if in.UsedFrom[exTorIP] != 1 || in.UsedFrom[exCloudIP] != 2 || len(in.UsedFrom) != 2 {
		t.Fatalf("UsedFrom = %v", in.UsedFrom)
	}
	for _, nets := range []*Networks{nil, exampleNetworks()} {
		e, err := NewEngine(cat, nil, Options{Networks: nets})
		if err != nil {
			t.Fatal(err)
		}
		var got *Contribution
		s := e.ScoreApp(in)
		for i := range s.Contributions {
			if s.Contributions[i].Signal == "app.tor_usage" {
				got = &s.Contributions[i]
			}
		}
		switch {
		case nets == nil && got != nil:
			t.Errorf("without networks: %+v", got)
		case nets != nil && got == nil:
			t.Errorf("with networks: no app.tor_usage in %+v", s.Contributions)
		case nets != nil && (len(got.Evidence) != 2 || !strings.HasPrefix(got.Evidence[0], "1 of the 3 identities") ||
			!strings.Contains(got.Evidence[1], exTorIP+" (1): a Tor exit (AS64500, Example Relays")):
			t.Errorf("evidence %q", got.Evidence)
		}
	}
}

// TestUsedFromBounded checks that an app tallies at most maxUsedFrom addresses and keeps
// counting those it has.
func TestUsedFromBounded(t *testing.T) {
	t.Parallel()
	in := &AppInput{}
	for i := range maxUsedFrom + 10 {
		id := nhi.Identity{Attributes: map[string]string{"last_used_ip": fmt.Sprintf("10.0.%d.%d", i/256, i%256)}}
		in.AddIdentity(&id, nil)
	}
	id := nhi.Identity{Attributes: map[string]string{"last_used_ip": "10.0.0.0"}}
	in.AddIdentity(&id, nil)
	if len(in.UsedFrom) != maxUsedFrom || in.UsedFrom["10.0.0.0"] != 2 {
		t.Errorf("len %d, first %d", len(in.UsedFrom), in.UsedFrom["10.0.0.0"])
	}
}
