package estate

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestPeopleInvariants(t *testing.T) {
	t.Parallel()
	emailRE := regexp.MustCompile(`^[a-z]+\.[a-z]+([2-9]|[1-9][0-9]+)?@corp\.example$`)
	for _, seed := range []int64{1, 2, 3} {
		e := mustGenerate(t, Options{Seed: seed, People: 3000, Domain: "corp.example"})
		now := e.Options.Now
		emails := make(map[string]bool)
		for i, p := range e.People {
			if i > 0 && !emailRE.MatchString(p.Email) {
				t.Errorf("seed %d person %d: e-mail %q is not first.last[N]@corp.example", seed, i, p.Email)
			}
			if emails[p.Email] {
				t.Errorf("seed %d: e-mail %q twice", seed, p.Email)
			}
			emails[p.Email] = true
			if len(p.GoogleID) != 21 || p.GoogleID[0] != '1' || strings.Trim(p.GoogleID, "0123456789") != "" {
				t.Errorf("seed %d person %d: GoogleID %q is not 21 digits starting with 1", seed, i, p.GoogleID)
			}
			if i > 0 && p.GoogleID <= e.People[i-1].GoogleID {
				t.Errorf("seed %d person %d: GoogleID %q not above its predecessor's", seed, i, p.GoogleID)
			}
			if !slices.Contains(Departments(), p.Department) {
				t.Errorf("seed %d person %d: department %q", seed, i, p.Department)
			}
			if p.GivenName == "" || p.FamilyName == "" {
				t.Errorf("seed %d person %d has no name: %+v", seed, i, p)
			}
			checkTimeline(t, now, p)
		}
	}
}

// checkTimeline checks that a person's times are in order.
func checkTimeline(t *testing.T, now time.Time, p Person) {
	t.Helper()
	if p.CreatedAt.Before(now.Add(-History)) || !p.CreatedAt.Before(now) {
		t.Errorf("%s: CreatedAt %v outside the history", p.Email, p.CreatedAt)
	}
	if !p.LastLoginAt.IsZero() && (p.LastLoginAt.Before(p.CreatedAt) || p.LastLoginAt.After(now)) {
		t.Errorf("%s: LastLoginAt %v outside [%v, now]", p.Email, p.LastLoginAt, p.CreatedAt)
	}
	switch p.Status {
	case Active:
		if !p.DepartedAt.IsZero() {
			t.Errorf("%s: active but DepartedAt %v", p.Email, p.DepartedAt)
		}
		if !p.LastLoginAt.IsZero() && now.Sub(p.LastLoginAt) > 14*24*time.Hour {
			t.Errorf("%s: active but last signed in at %v", p.Email, p.LastLoginAt)
		}
	case Suspended, Departed:
		if !p.DepartedAt.After(p.CreatedAt) || !p.DepartedAt.Before(now) {
			t.Errorf("%s: DepartedAt %v outside (%v, now)", p.Email, p.DepartedAt, p.CreatedAt)
		}
		if p.LastLoginAt.After(p.DepartedAt) {
			t.Errorf("%s: signed in at %v after leaving at %v", p.Email, p.LastLoginAt, p.DepartedAt)
		}
	default:
		t.Errorf("%s: status %q", p.Email, p.Status)
	}
}

func TestPeopleShares(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 11, People: 20000})
	var suspended, departed, admins, neverLogin, nonASCII int
	for _, p := range e.People {
		switch p.Status {
		case Suspended:
			suspended++
		case Departed:
			departed++
		}
		if p.Admin {
			admins++
		}
		if p.LastLoginAt.IsZero() {
			neverLogin++
		}
		if !isASCII(p.GivenName) || !isASCII(p.FamilyName) {
			nonASCII++
		}
	}
	n := float64(len(e.People))
	tests := []struct {
		name   string
		count  int
		lo, hi float64
	}{
		{"suspended", suspended, 0.03, 0.05},
		{"departed", departed, 0.05, 0.07},
		{"admins", admins, 0.01, 0.035},
		{"never signed in", neverLogin, 0.005, 0.03},
		{"non-ASCII names", nonASCII, 0.05, 0.4},
	}
	for _, tt := range tests {
		if share := float64(tt.count) / n; share < tt.lo || share > tt.hi {
			t.Errorf("%s: %d of %d people (%.3f), want a share in [%.3f, %.3f]", tt.name, tt.count, len(e.People), share, tt.lo, tt.hi)
		}
	}
}

func isASCII(s string) bool { return utf8.RuneCountInString(s) == len(s) }

func TestFirstPersonIsActiveAdmin(t *testing.T) {
	t.Parallel()
	for seed := range int64(10) {
		e := mustGenerate(t, Options{Seed: seed, People: MinPeople, Domain: "tiny.example"})
		p := e.People[0]
		want := Person{GoogleID: p.GoogleID, Email: "it-admin@tiny.example", GivenName: "IT", FamilyName: "Admin",
			Department: "IT", Admin: true, Status: Active, CreatedAt: p.CreatedAt, LastLoginAt: p.LastLoginAt}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("seed %d: person 0 (-want +got):\n%s", seed, diff)
		}
		if p.LastLoginAt.IsZero() {
			t.Errorf("seed %d: the admin never signed in", seed)
		}
	}
}

func TestEmailsAreNumberedPerName(t *testing.T) {
	t.Parallel()
	first := loadNames("José\nJose\nAna\n")
	last := loadNames("Núñez\n")
	g := &peopleGen{domain: "d.example", first: first, last: last, counter: make([]int32, 2)}
	var got []string
	for _, fi := range []int{0, 1, 2, 0} {
		got = append(got, g.email(first.slug[fi], last.slug[0]))
	}
	want := []string{"jose.nunez@d.example", "jose.nunez2@d.example", "ana.nunez@d.example", "jose.nunez3@d.example"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("e-mails (-want +got):\n%s", diff)
	}
}

func TestASCIIFold(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"José": "jose", "Zoë": "zoe", "Łukasz": "lukasz", "Nguyễn": "nguyen", "Ó Súilleabháin": "osuilleabhain",
		"O'Brien": "obrien", "Ben-David": "bendavid", "Straße": "strasse", "Æsa": "aesa", "Øyvind": "oyvind",
		"Phương": "phuong", "Yılmaz": "yilmaz", "Ζεύς": "", "": "",
	}
	for in, want := range tests {
		if got := asciiFold(in); got != want {
			t.Errorf("asciiFold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameLists(t *testing.T) {
	t.Parallel()
	for name, text := range map[string]string{"first": firstNamesText, "last": lastNamesText} {
		l := loadNames(text)
		if len(l.names) < 300 {
			t.Errorf("%s names: %d, want a few hundred", name, len(l.names))
		}
		seen := make(map[string]bool)
		for i, n := range l.names {
			if seen[n] {
				t.Errorf("%s names: %q twice", name, n)
			}
			seen[n] = true
			if len(l.slugs[l.slug[i]]) < 2 {
				t.Errorf("%s names: %q folds to %q", name, n, l.slugs[l.slug[i]])
			}
		}
	}
	all := loadNames(firstNamesText + lastNamesText)
	for _, want := range []string{"José", "Zoë", "Łukasz", "Nguyễn"} {
		if !slices.Contains(all.names, want) {
			t.Errorf("the name lists lack %q", want)
		}
	}
}

func TestEmailOrder(t *testing.T) {
	t.Parallel()
	e := mustGenerate(t, Options{Seed: 5, People: 1000})
	seen := make([]bool, len(e.People))
	for k, i := range e.EmailOrder {
		seen[i] = true
		if k > 0 && e.People[e.EmailOrder[k-1]].Email >= e.People[i].Email {
			t.Errorf("EmailOrder[%d]: %q is not after %q", k, e.People[i].Email, e.People[e.EmailOrder[k-1]].Email)
		}
	}
	if slices.Contains(seen, false) {
		t.Error("EmailOrder misses people")
	}
}
