package estate

import (
	"strings"
	"testing"
)

func TestSFCaseSafeSuffix(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"001A0000006Vm9r": "IAC", // Salesforce's documented example
		"005000000000000": "AAA",
		"ABCDEABCDEABCDE": "555",
		"aBcDeFgHiJkLmNo": "KVK",
		"0055e0000004ABC": "AA2", // mask 0b11100 in the last five
	}
	for id, want := range tests {
		if got := string(sfCaseSafeSuffix([15]byte([]byte(id)))); got != want {
			t.Errorf("suffix of %s = %s, want %s", id, got, want)
		}
	}
}

func TestAppendSFID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix, pod string
		n           uint64
		want        string
	}{
		{"005", "5e", 0, "0055e0000000000AAA"},
		{"005", "5e", 61, "0055e000000000zAAA"},
		{"0H4", "Dn", 62, "0H4Dn0000000010KAA"},
		{"750", "8a", 62*62*62 - 1, "7508a0000000zzzAAA"},
	}
	for _, tt := range tests {
		got := string(appendSFID(nil, tt.prefix, tt.pod, tt.n))
		if got != tt.want {
			t.Errorf("appendSFID(%s, %s, %d) = %s, want %s", tt.prefix, tt.pod, tt.n, got, tt.want)
		}
	}
}

func TestSFIDsAreUniqueAndWellFormed(t *testing.T) {
	t.Parallel()
	ids := sfIDs(newRand(1, 1), sfPrefixLogin, "Hs", 5000)
	seen := make(map[string]bool)
	for i, id := range ids {
		if !validSFID(id, sfPrefixLogin) || seen[id] {
			t.Fatalf("id %d %q is malformed or repeated", i, id)
		}
		if i > 0 && ids[i-1] >= id {
			t.Fatalf("ids %q, %q are not ascending", ids[i-1], id)
		}
		seen[id] = true
	}
}

// validSFID reports whether id is an 18-character ID with prefix, base-62 characters and
// the right case-safe suffix.
func validSFID(id, prefix string) bool {
	if len(id) != SFIDLen || !strings.HasPrefix(id, prefix) || strings.Trim(id[:15], sfBase62) != "" {
		return false
	}
	return string(sfCaseSafeSuffix([15]byte([]byte(id[:15])))) == id[15:]
}

func TestSFDeleteTokens(t *testing.T) {
	t.Parallel()
	tokens := sfDeleteTokens(newRand(2, 2), 3000)
	seen := make(map[string]bool)
	for _, tok := range tokens {
		if len(tok) != 87 || !strings.HasPrefix(tok, "5Aep861") || seen[tok] {
			t.Fatalf("token %q is malformed or repeated", tok)
		}
		if strings.Trim(tok, sfBase62+"._") != "" {
			t.Fatalf("token %q has characters outside letters, digits, '.' and '_'", tok)
		}
		seen[tok] = true
	}
}

func TestSFRequestIDsAreDistinct(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for n := range uint64(200000) {
		id := sfRequestID(0xfeed, n)
		if len(id) != 13 || id[0] != '4' || id[12] != '-' || seen[id] {
			t.Fatalf("request ID %d %q is malformed or repeated", n, id)
		}
		seen[id] = true
	}
}

func TestSFAPIName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Drift":             "Drift",
		"Apollo.io":         "Apollo_io",
		"Example Data Sync": "Example_Data_Sync",
		"  a -- b!":         "a_b",
		"":                  "",
	}
	for in, want := range tests {
		if got := sfAPIName(in); got != want {
			t.Errorf("sfAPIName(%q) = %q, want %q", in, got, want)
		}
	}
}
