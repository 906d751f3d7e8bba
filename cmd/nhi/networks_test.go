package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworksSource checks where scans and serve take the networks dataset from: the
// configuration's networks key first, else the dataset installed beside a SQLite database
// (named after it), nothing for PostgreSQL; and that a missing or malformed dataset is an
// error that says how to mend it.
func TestNetworksSource(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one := write("one.csv", "cidr,asn,org,kind\n185.220.101.0/24,64511,Relays,tor\n")
	two := write("two.csv", "cidr,asn,org,kind\n185.220.100.0/24,64511,Relays,tor\n3.208.0.0/12,16509,AWS,hosting\n")
	db := filepath.Join(dir, "nhi.db")
	if got := networksFile(db); got != filepath.Join(dir, "nhi.networks.csv") {
		t.Fatalf("networksFile = %q", got)
	}
	if got := networksFile("postgres://nhi:secret@db/nhi"); got != "" {
		t.Fatalf("networksFile(postgres) = %q", got)
	}
	a := &app{cfgPath: filepath.Join(dir, "absent.yaml")}
	if n, from, err := a.networks(db); n != nil || from != "" || err != nil {
		t.Errorf("nothing installed: %v %q %v", n, from, err)
	}
	if err := installFile(networksFile(db), []byte(mustRead(t, one))); err != nil {
		t.Fatal(err)
	}
	if n, from, err := a.networks(db); err != nil || n.Len() != 1 || from != networksFile(db) {
		t.Errorf("installed: %v %q %v", n, from, err)
	}
	if n, _, err := a.networks("postgres://nhi:secret@db/nhi"); n != nil || err != nil {
		t.Errorf("postgres without configuration: %v %v", n, err)
	}
	cfg := write("nhi.yaml", "database: "+db+"\nnetworks: "+two+"\nconnectors:\n  - name: g\n    platform: google_workspace\n"+
		"    admin_email: a@example.com\n    credentials: file:/nonexistent\n")
	a.cfgPath = cfg
	if n, from, err := a.networks(db); err != nil || n.Len() != 2 || from != two {
		t.Errorf("configured: %v %q %v", n, from, err)
	}
	if n, _, err := a.networks("postgres://nhi:secret@db/nhi"); err != nil || n.Len() != 2 {
		t.Errorf("postgres with configuration: %v %v", n, err)
	}
	write("nhi.yaml", "database: "+db+"\nnetworks: "+filepath.Join(dir, "missing.csv")+"\nconnectors:\n  - name: g\n"+
		"    platform: google_workspace\n    admin_email: a@example.com\n    credentials: file:/nonexistent\n")
	if _, _, err := a.networks(db); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("configured but missing: %v", err)
	}
	a.cfgPath = filepath.Join(dir, "absent.yaml")
	write("nhi.networks.csv", "cidr,asn,org,kind\n10.0.0.0/8,xx,X,isp\n")
	if _, _, err := a.networks(db); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "nhi intel networks --file") {
		t.Errorf("malformed installed dataset: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
