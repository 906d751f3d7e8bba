package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/estate"
)

// entraTenant serves a simulated Microsoft tenant and writes a configuration for it.
func entraTenant(t *testing.T) (*entrasim.Server, *estate.Estate, string) {
	t.Helper()
	est, err := estate.Generate(estate.Options{Seed: 5, People: 40, Now: time.Now().UTC().Truncate(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := entrasim.New(est, entrasim.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	id, secret := sim.ClientCredentials()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "nhi.yaml")
	text := fmt.Sprintf("database: %s\nconnectors:\n  - name: ms\n    platform: microsoft_entra\n    tenant_id: %s\n"+
		"    client_id: %s\n    client_secret: file:%s\n    graph_url: %s\n    token_url: %s\n",
		filepath.Join(dir, "nhi.db"), sim.TenantID(), id, secretFile, sim.GraphURL(srv.URL), sim.TokenURL(srv.URL))
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sim, est, cfg
}

func eventLines(t *testing.T, out string) []nhi.Event {
	t.Helper()
	var evs []nhi.Event
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e nhi.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("event line %q: %v", sc.Text(), err)
		}
		evs = append(evs, e)
	}
	return evs
}

func TestEventsAreShownOnceAndNewOnesFollow(t *testing.T) {
	t.Parallel()
	sim, est, cfg := entraTenant(t)
	code, out, errOut := runCLI(t, "events", "--config", cfg, "--output", "json")
	first := eventLines(t, out)
	if code != exitOK || len(first) == 0 {
		t.Fatalf("events: exit %d, %d events\n%s", code, len(first), errOut)
	}
	code, out, _ = runCLI(t, "events", "--config", cfg, "--output", "json")
	if again := eventLines(t, out); code != exitOK || len(again) != 0 {
		t.Errorf("second run: exit %d, %d events; want none (the position is saved)", code, len(again))
	}
	m := est.Microsoft
	client := m.ServicePrincipals[len(m.ServicePrincipals)-1].ObjectID
	if _, err := sim.AddGrant(client, m.ServicePrincipals[0].ObjectID, "", []string{"Mail.Read"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "events", "--config", cfg, "--output", "json")
	if added := eventLines(t, out); code != exitOK || len(added) == 0 || added[0].Platform != nhi.PlatformEntra {
		t.Errorf("after a new consent: exit %d, events %+v", code, added)
	}
	if code, _, _ := runCLI(t, "events", "--config", cfg, "--connector", "nope"); code != exitUsage {
		t.Errorf("unknown connector: exit %d, want %d", code, exitUsage)
	}
}
