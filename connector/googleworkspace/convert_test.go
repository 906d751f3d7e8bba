package googleworkspace

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhiscope/nhi"
)

// cleanTextCases are texts on both sides of cleanText's fast path.
var cleanTextCases = []string{
	"", "a", "PDF Docs Sync", "https://www.googleapis.com/auth/drive", " lead", "trail ", "two  spaces", "tab\there",
	"new\nline", "del\x7f", "caf\u00e9", "\u202eevil", "\xff", strings.Repeat("x", nhi.MaxTextLen),
	strings.Repeat("x", nhi.MaxTextLen+1), "~!@#$%^&*()_+{}|:<>?", " ",
}

func TestCleanTextMatchesNHI(t *testing.T) {
	t.Parallel()
	for _, s := range cleanTextCases {
		if got, want := cleanText(s), nhi.CleanText(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range cleanTextCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanText(s), nhi.CleanText(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	many := make([]string, 0, 80)
	var wantMany []nhi.Permission
	for i := range 40 {
		s := "scope" + strings.Repeat("x", i)
		many = append(many, s, " "+s)
		wantMany = append(wantMany, nhi.Permission{Scope: s})
	}
	tests := []struct {
		in   []string
		want []nhi.Permission
	}{
		{nil, nil},
		{[]string{"", " ", "\x00"}, nil},
		{[]string{"openid", "email", "openid", " email "}, []nhi.Permission{{Scope: "openid"}, {Scope: "email"}}},
		{many, wantMany},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, permissions(tt.in)); diff != "" {
			t.Errorf("permissions(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTokensQuery(t *testing.T) {
	t.Parallel()
	if want := query(url.Values{"fields": {tokenFields}}); tokensQuery != want {
		t.Errorf("tokensQuery = %q, want %q", tokensQuery, want)
	}
}
