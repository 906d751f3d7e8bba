package risk

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestSignalsDocIsCurrent fails when docs/signals.md differs from what the catalogue
// generates.
func TestSignalsDocIsCurrent(t *testing.T) {
	t.Parallel()
	got, err := os.ReadFile("../docs/signals.md")
	if err != nil {
		t.Fatalf("%v; generate it with: go generate ./risk", err)
	}
	if want := SignalsMarkdown(Signals()); !bytes.Equal(got, want) {
		t.Fatal("docs/signals.md is stale; regenerate it with: go generate ./risk")
	}
}

func TestSignalsMarkdownDocumentsEverySignal(t *testing.T) {
	t.Parallel()
	doc := string(SignalsMarkdown(Signals()))
	for _, s := range Signals() {
		for _, want := range []string{"\n### " + s.ID + "\n", "**" + s.Title + ".** " + s.Rationale, "](#" + anchor(s.ID) + ")"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: doc lacks %q", s.ID, want)
			}
		}
		for _, p := range s.Params {
			if !strings.Contains(doc, "| `"+s.ID+"."+p.Name+"` |") {
				t.Errorf("%s: doc lacks parameter %s", s.ID, p.Name)
			}
		}
	}
}
