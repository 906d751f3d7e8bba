package risk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const permissionsDoc = "../docs/permissions.md"

// TestDocsPermissions fails when docs/permissions.md is not what the catalogue generates.
func TestDocsPermissions(t *testing.T) {
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := WritePermissionsDoc(&got, c); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(permissionsDoc, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(permissionsDoc)
	if err != nil {
		t.Fatalf("%v; generate it with: go test ./risk -run TestDocs -update", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Fatalf("%s is stale; regenerate it with: go test ./risk -run TestDocs -update\n(-committed +generated):\n%s",
			filepath.Base(permissionsDoc), diff)
	}
}

func TestWritePermissionsDocGroupsByPlatformAndTier(t *testing.T) {
	t.Parallel()
	c, err := LoadCatalogue(fstest.MapFS{
		"permissions/a.yaml": {Data: []byte(`platform: zeta
source: https://example.com/z
scopes:
  - {scope: "low|one", tier: low, data: [identity]}
  - {scope: crit, tier: critical, data: [admin], label: caution, note: "a note"}
`)},
		"permissions/b.yaml": {Data: []byte(`platform: alpha
source: https://www.example.org/a
scopes:
  - {scope: mid, tier: medium, data: [files, mail]}
`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WritePermissionsDoc(&b, c); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	want := []string{
		"| alpha | 0 | 0 | 1 | 0 |",
		"## alpha\n\nPlatform `alpha`, 1 entries.",
		"| `mid` | medium | files, mail | - | - | [example.org](https://www.example.org/a) |",
		"## zeta",
		"| `crit` | critical | admin | caution | a note | [example.com](https://example.com/z) |",
		"| `low\\|one` | low | identity | - | - |",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(doc, w)
		if i < 0 {
			t.Fatalf("doc lacks %q:\n%s", w, doc)
		}
		if i < last {
			t.Errorf("%q is out of order", w)
		}
		last = i
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritePermissionsDocReportsWriteErrors(t *testing.T) {
	t.Parallel()
	c, err := DefaultCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePermissionsDoc(failWriter{}, c); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the writer's error", err)
	}
}
