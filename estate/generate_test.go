package estate

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/nhiscope/nhi"
)

// mustGenerate generates an estate or fails the test.
func mustGenerate(t testing.TB, o Options) *Estate {
	t.Helper()
	e, err := Generate(o)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return e
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{{}, {Seed: 42, People: 1500, Domain: "acme.test"}, {Seed: -7, People: MinPeople}} {
		a, b := mustGenerate(t, o), mustGenerate(t, o)
		if !reflect.DeepEqual(a, b) { // stricter than cmp: time.Time fields must match bit for bit
			t.Errorf("Generate(%+v) twice differs (-first +second):\n%s", o, cmp.Diff(a, b, cmpopts.EquateComparable(netip.Prefix{})))
		}
	}
}

func TestGenerateSeedsDiffer(t *testing.T) {
	t.Parallel()
	a := mustGenerate(t, Options{Seed: 1, People: 300})
	b := mustGenerate(t, Options{Seed: 2, People: 300})
	if reflect.DeepEqual(a.People, b.People) {
		t.Error("seeds 1 and 2 gave the same people")
	}
	if reflect.DeepEqual(a.Grants, b.Grants) {
		t.Error("seeds 1 and 2 gave the same grants")
	}
	if a.CustomerID == b.CustomerID {
		t.Errorf("seeds 1 and 2 gave the same customer ID %q", a.CustomerID)
	}
	if diff := cmp.Diff(a.Vendors, b.Vendors, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("the vendor catalogue depends on the seed (-seed 1 +seed 2):\n%s", diff)
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 3})
	want := Options{Seed: 3, People: DefaultPeople, Domain: DefaultDomain, Now: DefaultNow()}
	if diff := cmp.Diff(want, e.Options); diff != "" {
		t.Errorf("Options (-want +got):\n%s", diff)
	}
	if len(e.People) != DefaultPeople {
		t.Errorf("len(People) = %d, want %d", len(e.People), DefaultPeople)
	}
	if got := DefaultNow().Format(time.RFC3339); got != "2026-11-01T00:00:00Z" {
		t.Errorf("DefaultNow() = %s", got)
	}
}

func TestGenerateNormalizesOptions(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	e := mustGenerate(t, Options{People: 50, Domain: "ACME.Example", Now: time.Date(2025, 3, 1, 12, 0, 0, 0, paris)})
	if e.Options.Domain != "acme.example" {
		t.Errorf("Domain = %q, want it in lowercase", e.Options.Domain)
	}
	if e.Options.Now.Location() != time.UTC || !e.Options.Now.Equal(time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("Now = %v, want the same instant in UTC", e.Options.Now)
	}
	for _, p := range e.People {
		if !strings.HasSuffix(p.Email, "@acme.example") {
			t.Fatalf("e-mail %q is not at the domain", p.Email)
		}
	}
}

func TestGenerateRejectsInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		want []string // substrings of the message
	}{
		{"negative people", Options{People: -1}, []string{"people must be from 10 to 100000, not -1"}},
		{"too few people", Options{People: MinPeople - 1}, []string{"not 9"}},
		{"too many people", Options{People: MaxPeople + 1}, []string{"not 100001"}},
		{"one label", Options{Domain: "localhost"}, []string{`domain "localhost" needs at least two labels`}},
		{"space", Options{Domain: "exa mple.com"}, []string{"may hold only letters"}},
		{"empty label", Options{Domain: "a..com"}, []string{"empty, too long or hyphen-edged"}},
		{"leading hyphen", Options{Domain: "-acme.com"}, []string{"hyphen-edged"}},
		{"long label", Options{Domain: strings.Repeat("a", 64) + ".com"}, []string{"too long"}},
		{"long name", Options{Domain: strings.Repeat("abcdefghi.", 26) + "com"}, []string{"longer than 253"}},
		{"numeric tld", Options{Domain: "example.c0m"}, []string{"alphabetic top-level label"}},
		{"at sign", Options{Domain: "a@b.com"}, []string{"may hold only letters"}},
		{"ancient now", Options{Now: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"now must be from 2010-01-01"}},
		{"far now", Options{Now: time.Date(9500, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"not 9500-01-01"}},
		{"every problem", Options{People: 3, Domain: "x"}, []string{"not 3", `domain "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Generate(tt.o)
			if err == nil {
				t.Fatalf("Generate(%+v) = %d people, want an error", tt.o, len(e.People))
			}
			if code := nhi.ErrorCode(err); code != nhi.CodeInvalid {
				t.Errorf("code = %q, want %q (err %v)", code, nhi.CodeInvalid, err)
			}
			msg := nhi.ErrorMessage(err)
			if !strings.HasPrefix(msg, "estate: invalid options: ") {
				t.Errorf("message %q lacks the prefix", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestOptionsAcceptBounds(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{People: MinPeople}, {People: MaxPeople}, {Domain: "x-1.co"},
		{Domain: strings.Repeat("a", 63) + ".io"}, {Now: time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := o.withDefaults(); err != nil {
			t.Errorf("withDefaults(%+v): %v", o, err)
		}
	}
}

func TestCustomerID(t *testing.T) {
	t.Parallel()
	for seed := range int64(20) {
		id := mustGenerate(t, Options{Seed: seed, People: MinPeople}).CustomerID
		if len(id) != 9 || !strings.HasPrefix(id, "C0") || strings.Trim(id[2:], "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Errorf("seed %d: CustomerID %q is not C0 and 7 lowercase letters and digits", seed, id)
		}
	}
}
