package policy

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update makes TestDocs rewrite docs/policies.md instead of failing when it is stale:
// go test ./policy -run TestDocs -update.
var update = flag.Bool("update", false, "rewrite generated files instead of comparing them")

const policiesDoc = "../docs/policies.md"

// packDoc renders the doc of the built-in pack.
func packDoc(t *testing.T) string {
	t.Helper()
	files, err := DefaultPack()
	if err != nil {
		t.Fatal(err)
	}
	cases, err := DefaultCases()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteDoc(&b, files, cases); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDocsPolicies fails when docs/policies.md is not what the code and the pack generate.
func TestDocsPolicies(t *testing.T) {
	got := packDoc(t)
	if *update {
		if err := os.WriteFile(policiesDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(policiesDoc)
	if err != nil {
		t.Fatalf("%v; generate it with: go test ./policy -run TestDocs -update", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("docs/policies.md is stale; regenerate it with: go test ./policy -run TestDocs -update\n(-committed +generated):\n%s", diff)
	}
}

func TestDocDocumentsEveryFieldAndPolicy(t *testing.T) {
	t.Parallel()
	doc := packDoc(t)
	for _, want := range []string{
		"### identity\n", "### identity.credentials[]\n", "### app.intel\n", "### permissions[]\n",
		"| `days_idle` | int |", "| `credentials` | list(credential) |", "| `attributes` | map(string, string) |",
		"| `last_used_at` | timestamp |", "| `now` | timestamp |", "| `permissions` | list(permission) |",
		"### nhi1.offboarded_owner_grant\n", "- a suspended owner's grant is revoked\n",
		"- an active owner's grant is kept\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the doc lacks %q", want)
		}
	}
	if strings.Contains(doc, "|  |") {
		t.Error("a field has no doc tag")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteDocReportsWriteErrors(t *testing.T) {
	t.Parallel()
	if err := WriteDoc(failWriter{}, nil, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the writer's error", err)
	}
}

// TestDocExampleCompiles holds the example policy of the doc to the code.
func TestDocExampleCompiles(t *testing.T) {
	t.Parallel()
	_, rest, ok := strings.Cut(docIntro, "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("the doc has no YAML example")
	}
	s := compileSource(t, example)
	in := grantInput()
	in.Identity.LastUsedAt = evalNow.AddDate(0, 0, -61)
	got, err := s.Evaluate(in)
	if err != nil || len(got) != 2 || got[1].Action.Message != "Your grant to Notes[31m App was revoked: unused for 61 days." {
		t.Errorf("Evaluate = %+v, %v", got, err)
	}
}
