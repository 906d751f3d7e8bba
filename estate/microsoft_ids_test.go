package estate

import (
	"encoding/base64"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// guidRE matches a canonical lowercase GUID.
var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// randomGUIDRE matches a random (version 4, RFC 4122 variant) GUID.
var randomGUIDRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewGUIDs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	ids := append(newGUIDs(r, 500), newGUID(r), nameGUID("a"), nameGUID("b"))
	seen := make(map[string]bool)
	for _, id := range ids {
		if !randomGUIDRE.MatchString(id) {
			t.Errorf("GUID %q is not a canonical version 4 GUID", id)
		}
		if seen[id] {
			t.Errorf("GUID %q drawn twice", id)
		}
		seen[id] = true
	}
	if nameGUID("a") != ids[len(ids)-2] {
		t.Error("nameGUID is not stable")
	}
}

func TestGUIDBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want [16]byte
	}{
		{"00112233-4455-6677-8899-aabbccddeeff",
			[16]byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
		{"00112233-4455-6677-8899-AABBCCDDEEFF",
			[16]byte{0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}},
		{"not a guid", [16]byte{}},
		{"", [16]byte{}},
	}
	for _, tt := range tests {
		if got := guidBytes(tt.in); got != tt.want {
			t.Errorf("guidBytes(%q) = %x, want %x", tt.in, got, tt.want)
		}
	}
}

func TestGrantID(t *testing.T) {
	t.Parallel()
	// The example of shared/reference/saas-apis.md section 2.2: Graph's ID of a Principal
	// grant packs the client, resource and principal object IDs.
	client, resource, principal := "22a3c970-8ad4-4120-8127-300837f87f2c",
		"98dc9d95-49b6-405a-b3c0-834e969a708b", "c2e8df37-c6a7-4d88-89b1-feb4f1fda7c5"
	tests := []struct {
		name string
		ids  [][16]byte
		want string
	}{
		{"principal", [][16]byte{guidBytes(client), guidBytes(resource), guidBytes(principal)},
			"cMmjItSKIEGBJzAIN_h_LJWd3Ji2SVpAs8CDTpaacIs33-jCp8aITYmx_rTx_afF"},
		{"all principals", [][16]byte{guidBytes(client), guidBytes(resource)},
			"cMmjItSKIEGBJzAIN_h_LJWd3Ji2SVpAs8CDTpaacIs"},
	}
	for _, tt := range tests {
		if got := grantID(tt.ids...); got != tt.want {
			t.Errorf("%s: grantID = %q, want %q", tt.name, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	p := guidBytes(principal)
	prefix := base64.RawURLEncoding.EncodeToString(p[:15])
	if id := assignmentID(r, principal); len(id) != 43 || !strings.HasPrefix(id, prefix) {
		t.Errorf("assignmentID = %q, want 43 characters starting with %q", id, prefix)
	}
}

func TestInitialDomain(t *testing.T) {
	t.Parallel()
	tests := map[string][2]string{
		"example.com":     {"example.onmicrosoft.com", "Example"},
		"acme-corp.co.uk": {"acmecorp.onmicrosoft.com", "Acme-corp"},
		"x-1.co":          {"x1.onmicrosoft.com", "X-1"},
		"a123456789012345678901234567890.io": {
			"a12345678901234567890123456.onmicrosoft.com", "A123456789012345678901234567890"},
	}
	for in, want := range tests {
		got := [2]string{initialDomain(in), tenantName(in)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("domain %q (-want +got):\n%s", in, diff)
		}
	}
}
