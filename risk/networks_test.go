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

// TestTorUsageNeedsNetworks scores one app whose grants were last used from Tor exits,
// tallied from identities as the scan does: the app and the grant signals hit with the
// networks dataset, name the address and an identity, and stay quiet without it; a native
// app's grant used from Tor (its user's device) is not tallied.
func TestTorUsageNeedsNetworks(t *testing.T) {
	t.Parallel()
	cat, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	in := exApp()
	var ids []nhi.Identity
	for i, ip := range []string{exTorIP, exTorIP, exCloudIP, "", exTorIP} {
		id := nhi.Identity{ID: fmt.Sprint("gws_", i), Attributes: map[string]string{}}
		if ip != "" {
			id.Attributes["last_used_ip"] = ip
		}
		if i == 4 {
			id.Attributes["client_type"] = "NATIVE_DESKTOP"
		}
		in.AddIdentity(&id, nil)
		ids = append(ids, id)
	}
	if in.UsedFrom[exTorIP] != (AddrUse{2, "gws_0"}) || in.UsedFrom[exCloudIP] != (AddrUse{1, "gws_2"}) || len(in.UsedFrom) != 2 {
		t.Fatalf("UsedFrom = %v", in.UsedFrom)
	}
	for _, nets := range []*Networks{nil, exampleNetworks()} {
		e, err := NewEngine(cat, nil, Options{Networks: nets})
		if err != nil {
			t.Fatal(err)
		}
		app := contribution(e.ScoreApp(in), "app.tor_usage")
		var grants []string
		for i := range ids {
			if c := contribution(e.ScoreIdentity(&IdentityInput{Identity: ids[i]}), "usage.tor_exit"); c != nil {
				grants = append(grants, ids[i].ID)
			}
		}
		switch {
		case nets == nil && (app != nil || grants != nil):
			t.Errorf("without networks: app %+v, grants %v", app, grants)
		case nets != nil && (app == nil || fmt.Sprint(grants) != "[gws_0 gws_1]"):
			t.Errorf("with networks: app %+v, grants %v; want the app and gws_0, gws_1", app, grants)
		case nets != nil && (len(app.Evidence) != 2 || !strings.HasPrefix(app.Evidence[0], "2 of the 3 identities") ||
			!strings.Contains(app.Evidence[1], exTorIP+" (2, e.g. gws_0): a Tor exit (AS64500, Example Relays")):
			t.Errorf("evidence %q", app.Evidence)
		}
	}
}

// contribution returns the contribution of signal id to s, or nil.
func contribution(s Score, id string) *Contribution {
	for i := range s.Contributions {
		if s.Contributions[i].Signal == id {
			return &s.Contributions[i]
		}
	}
	return nil
}

// TestUsedFromBounded checks that an app tallies at most maxUsedFrom addresses, keeps
// counting those it has, counts the identities past the bound, and says so.
func TestUsedFromBounded(t *testing.T) {
	t.Parallel()
	in := exApp()
	for i := range maxUsedFrom + 10 {
		id := nhi.Identity{Attributes: map[string]string{"last_used_ip": fmt.Sprintf("10.0.%d.%d", i/256, i%256)}}
		in.AddIdentity(&id, nil)
	}
	id := nhi.Identity{Attributes: map[string]string{"last_used_ip": "10.0.0.0"}}
	in.AddIdentity(&id, nil)
	if len(in.UsedFrom) != maxUsedFrom || in.UsedFrom["10.0.0.0"].N != 2 || in.UsedFromDropped != 10 {
		t.Fatalf("len %d, first %d, dropped %d", len(in.UsedFrom), in.UsedFrom["10.0.0.0"].N, in.UsedFromDropped)
	}
	usedFrom(exTorIP, 9000)(in) // most identities from Tor
	cat, _ := DefaultCatalogue()
	e, err := NewEngine(cat, nil, Options{Networks: exampleNetworks()})
	if err != nil {
		t.Fatal(err)
	}
	c := contribution(e.ScoreApp(in), "app.tor_usage")
	if c == nil || !strings.Contains(c.Evidence[len(c.Evidence)-1], "10 identities at addresses past the first 4096") {
		t.Errorf("app.tor_usage: %+v", c)
	}
}
