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

func TestDeceptive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"plain", "PDF Docs Sync", false},
		{"empty", "", false},
		{"accented", "Caf\u00e9 Planner", false},
		{"comparison", "a < b and 2<3", false},
		{"trailing angle", "Tool <", false},
		{"markup and ANSI", "<img src=x onerror=alert(1)>PDF\x1b[31m Tool", true},
		{"closing tag", "Tool</b>", true},
		{"bidi override", "Invoice Viewer \u202egpj.exe", true},
		{"zero width joiner", "Zo\u200dom", true},
		{"tab", "tab\there", true},
		{"newline", "new\nline", true},
		{"delete", "del\x7f", true},
		{"C1 control", "x\u0085y", true},
		{"invalid UTF-8", "bad\xff", true},
		{"tag after non-ASCII", "\u00e9<b>", true},
		{"non-ASCII letter after angle", "\u00e9<\u00e9", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := deceptive(tt.in); got != tt.want {
				t.Errorf("deceptive(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
