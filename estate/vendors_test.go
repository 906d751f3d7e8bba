package estate

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

func TestCatalogue(t *testing.T) {
	t.Parallel()
	clientRE := regexp.MustCompile(`^[1-9][0-9]{11}-[a-z0-9]{32}\.apps\.googleusercontent\.com$`)
	clientTypes := []string{"WEB", "NATIVE_DESKTOP", "NATIVE_IOS", "NATIVE_ANDROID"}
	vendors := catalogue()
	ids := make(map[string]string)
	var real, bad int
	for _, v := range vendors {
		if !clientRE.MatchString(v.GoogleClientID) {
			t.Errorf("%q: client ID %q is malformed", v.Product, v.GoogleClientID)
		}
		if other, ok := ids[v.GoogleClientID]; ok {
			t.Errorf("%q and %q share client ID %q", v.Product, other, v.GoogleClientID)
		}
		ids[v.GoogleClientID] = v.Product
		if v.Product == "" || v.Category == "" || len(v.Scopes) == 0 {
			t.Errorf("incomplete vendor %+v", v)
		}
		if !slices.Contains(clientTypes, v.ClientType) || v.Native != strings.HasPrefix(v.ClientType, "NATIVE_") {
			t.Errorf("%q: client type %q, native %v", v.Product, v.ClientType, v.Native)
		}
		if v.Popularity <= 0 || v.Popularity > 1 {
			t.Errorf("%q: popularity %v", v.Product, v.Popularity)
		}
		if v.Verified == v.Suspicious {
			t.Errorf("%q: verified %v and suspicious %v", v.Product, v.Verified, v.Suspicious)
		}
		for _, d := range v.Departments {
			if !slices.Contains(Departments(), d) {
				t.Errorf("%q: unknown department %q", v.Product, d)
			}
		}
		checkScopes(t, v)
		if v.Suspicious {
			bad++
		} else {
			real++
			if v.Company == "" {
				t.Errorf("%q: real product without company", v.Product)
			}
		}
	}
	if real < 40 || bad < 4 {
		t.Errorf("%d real and %d suspicious vendors, want at least 40 and 4", real, bad)
	}
}

// checkScopes checks that v asks for well-formed scopes, each once.
func checkScopes(t *testing.T, v Vendor) {
	t.Helper()
	seen := make(map[string]bool)
	for _, s := range v.Scopes {
		if !isSignInScope(s) && s != ScopeMail && !strings.HasPrefix(s, scopePrefix) {
			t.Errorf("%q: malformed scope %q", v.Product, s)
		}
		if seen[s] {
			t.Errorf("%q: scope %q twice", v.Product, s)
		}
		seen[s] = true
	}
	if v.Suspicious && !seen[ScopeMail] && !seen[scopePrefix+"drive"] && !seen[scopePrefix+"gmail.readonly"] {
		t.Errorf("suspicious %q asks for neither mail nor drive: %v", v.Product, v.Scopes)
	}
}

func TestCatalogueHasWellKnownProducts(t *testing.T) {
	t.Parallel()
	var products []string
	for _, v := range catalogue() {
		products = append(products, v.Product)
	}
	for _, want := range []string{"Zoom", "Calendly", "Docusign eSignature", "Dropbox Sign", "Salesforce", "HubSpot Sales",
		"Salesloft", "Drift", "Gong", "Outreach", "Slack", "Notion", "Asana", "Trello", "Miro", "Zapier", "Make", "IFTTT",
		"Grammarly", "Otter.ai", "Fireflies.ai Notetaker", "ChatGPT", "Claude", "Loom", "Canva", "Figma",
		"Adobe Acrobat Sign", "Atlassian", "GitHub", "Superhuman", "Boomerang for Gmail", "Mailchimp", "Lucidchart",
		"Smartsheet", "Box", "Apollo.io", "ZoomInfo", "Gainsight", "Intercom", "Zendesk", "Freshdesk", "Clockwise",
		"Reclaim.ai", "Motion", "Spike Email", "Mixmax", "Yesware"} {
		if !slices.Contains(products, want) {
			t.Errorf("the catalogue lacks %q", want)
		}
	}
}

func TestCatalogueHasHostileApps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		is   func(Vendor) bool
	}{
		{"digit look-alike", func(v Vendor) bool { return strings.Contains(v.Product, "Micros0ft") }},
		{"Cyrillic look-alike", func(v Vendor) bool { return strings.ContainsRune(v.Product, '\u043e') }},
		{"markup and ANSI escape", func(v Vendor) bool {
			return strings.Contains(v.Product, "<img") && strings.Contains(v.Product, "\x1b[") && nhi.CleanText(v.Product) != v.Product
		}},
		{"bidirectional override", func(v Vendor) bool { return strings.ContainsRune(v.Product, '\u202e') }},
		{"anonymous client", func(v Vendor) bool { return v.Anonymous }},
	}
	vendors := catalogue()
	for _, tt := range tests {
		i := slices.IndexFunc(vendors, tt.is)
		if i < 0 {
			t.Errorf("no %s in the catalogue", tt.name)
			continue
		}
		if v := vendors[i]; !v.Suspicious || v.Verified || v.Popularity > 0.01 {
			t.Errorf("%s %q: suspicious %v, verified %v, popularity %v; want a rare unverified suspicious app",
				tt.name, v.Product, v.Suspicious, v.Verified, v.Popularity)
		}
	}
}

func TestClientIDIsStable(t *testing.T) {
	t.Parallel()
	// Pinned, so that a change to the derivation, which would change every estate, is seen.
	if got, want := googleClientID("Zoom"), "971170602135-72n6udjliwknibw7tr3pziedxbxssmco.apps.googleusercontent.com"; got != want {
		t.Errorf("googleClientID(Zoom) = %q, want %q", got, want)
	}
	if googleClientID("Zoom") == googleClientID("Z\u043e\u043em") {
		t.Error("a look-alike name gets the real app's client ID")
	}
}

func TestCatalogueInternsStrings(t *testing.T) {
	t.Parallel()
	first := make(map[string]*byte)
	for _, v := range catalogue() {
		for _, s := range append(slices.Clone(v.Scopes), v.Departments...) {
			p := unsafeStringData(s)
			if q, ok := first[s]; ok && q != p {
				t.Errorf("%q: %q is not interned", v.Product, s)
			}
			first[s] = p
		}
	}
}

func TestScopeVariants(t *testing.T) {
	t.Parallel()
	for _, v := range catalogue() {
		variants := scopeVariants(&v)
		if &variants[0][0] != &v.Scopes[0] || len(variants[0]) != len(v.Scopes) {
			t.Errorf("%q: the first variant is not the vendor's own slice", v.Product)
		}
		if v.Suspicious && len(variants) != 1 {
			t.Errorf("suspicious %q has %d variants, want only all it asks for", v.Product, len(variants))
		}
		for _, s := range variants {
			if cap(s) != len(s) {
				t.Errorf("%q: variant %v has spare capacity an append would write into", v.Product, s)
			}
			for _, scope := range v.Scopes {
				if isSignInScope(scope) && !slices.Contains(s, scope) {
					t.Errorf("%q: variant %v lacks sign-in scope %q", v.Product, s, scope)
				}
			}
			for _, scope := range s {
				if !slices.Contains(v.Scopes, scope) {
					t.Errorf("%q: variant %v has %q, which the vendor does not ask for", v.Product, s, scope)
				}
			}
		}
	}
}

func TestExpandScope(t *testing.T) {
	t.Parallel()
	got := []string{expandScope("openid"), expandScope("email"), expandScope("mail"), expandScope("drive.file")}
	want := []string{"openid", "email", "https://mail.google.com/", "https://www.googleapis.com/auth/drive.file"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expandScope (-want +got):\n%s", diff)
	}
}

// unsafeStringData returns the address of the bytes of s, to tell shared strings apart.
func unsafeStringData(s string) *byte { return unsafe.StringData(s) }
