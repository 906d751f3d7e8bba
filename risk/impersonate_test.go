package risk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestImpersonates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, want string
	}{
		// Imitations.
		{"Z\u043e\u043em", "Zoom"},            // Cyrillic о
		{"Micros0ft Teams Sync", "Microsoft"}, // digit swap
		{"G00gle Drive", "Google"},            // digit swaps
		{"D\u043ecusign", "DocuSign"},         // Cyrillic о
		{"\uff3a\uff4f\uff4f\uff4d", "Zoom"},  // fullwidth
		{"\U0001d40c\U0001d422\U0001d41c\U0001d42b\U0001d428\U0001d42c\U0001d428\U0001d41f\U0001d42d Login", "Microsoft"}, // mathematical bold
		{"rnicrosoft 365", "Microsoft"}, // rn reads as m
		{"Dr0pb0x Backup", "Dropbox"},
		{"Sl@ck Notifier", "Slack"},
		{"$alesforce Sync", "Salesforce"},
		{"0kta Verify", "Okta"},
		{"Ad\u043ebe Acrobat", "Adobe"},
		{"Goog1e Docs", "Google"},
		{"Gmaii Sync", "Gmail"},                     // i reads as l
		{"Zo\u00f3m", "Zoom"},                       // accented letter
		{"Zoo\u0301m", "Zoom"},                      // combining accent
		{"ChatG\u0420\u0422 Assistant", "ChatGPT"},  // Cyrillic Р and Т
		{"\u0585utlook Add-in", "Outlook"},          // Armenian օ
		{"\u0410\u0440\u0440\u04cf\u0435", "Apple"}, // all Cyrillic
		{"1Passw0rd", "1Password"},
		{"App1e ID", "Apple"},
		{"Sh\u0430rePoint Online", "SharePoint"},
		{"Micro-s0ft", "Microsoft"},                                      // separators go
		{"Zoom Me\u0435tings", "Zoom"},                                   // plain brand, but a word mixes scripts
		{"Slack for \u041aompany", "Slack"},                              // mixed script elsewhere in the name
		{"Zoom for G00gle", "Google"},                                    // spells one brand, imitates another
		{"\u24b9\u24de\u24d2\u24e4\u24e2\u24d8\u24d6\u24dd", "DocuSign"}, // circled letters
		// Not imitations.
		{"Zoom", ""},
		{"Zoom for Gmail", ""},
		{"Microsoft Teams", ""},
		{"Google Drive", ""},
		{"DocuSign eSignature for Salesforce", ""},
		{"PDF Docs Sync", ""},
		{"App 1 Editor", ""}, // a lone digit is a number, not a letter
		{"Office 365 Connector", ""},
		{"Box 360", ""},
		{"1Password", ""},
		{"St3am Sync", ""}, // Teams is not watched: too common a word
		{"Zoom \u0434\u043b\u044f \u0431\u0438\u0437\u043d\u0435\u0441\u0430", ""}, // a Russian word beside the brand
		{"Zoom\u4f1a\u8bae", ""}, // Chinese beside the brand: not a look-alike script
		{"\u98de\u4e66", ""},
		{"Acme CRM", ""},
		{"12345", ""},
		{"", ""},
		{"   ", ""},
		{"Dropbox Paper", ""},
		{"Atlassian Jira Cloud", ""},
		{"M i c r o s o f t", ""}, // spelled in plain letters, only spaced
		{"zo\u200bom", ""},        // an invisible character is neither letter nor separator
	}
	for _, tt := range tests {
		got, ok := Impersonates(tt.name)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Impersonates(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestBrandKeysAreTheirFolds(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, b := range brands {
		folded, plain, mixed := skeleton(b.name)
		if string(folded) != b.folded || string(plain) != b.plain || mixed {
			t.Errorf("brand %s: keys %q %q, want %q %q", b.name, b.plain, b.folded, plain, folded)
		}
		if len(b.folded) < 4 || seen[b.folded] {
			t.Errorf("brand %s: key %q too short or repeated", b.name, b.folded)
		}
		seen[b.folded] = true
		if _, ok := Impersonates(b.name); ok {
			t.Errorf("the brand's own name %q counts as an imitation", b.name)
		}
	}
	if len(brands) < 40 {
		t.Errorf("%d brands, want about 40", len(brands))
	}
}

func TestLookAlikeTables(t *testing.T) {
	t.Parallel()
	if len(latin1) != 0x100-0xC0 || len(latinExtA) != 0x180-0x100 {
		t.Fatalf("table lengths %d, %d", len(latin1), len(latinExtA))
	}
	for r, want := range map[rune]byte{
		'\u00c0': 'a', '\u00e9': 'e', '\u00f1': 'n', '\u00f8': 'o', '\u00ff': 'y', '\u00d7': 0, '\u00e6': 0,
		'\u0101': 'a', '\u010d': 'c', '\u0111': 'd', '\u0131': 'i', '\u0142': 'l', '\u0153': 0, '\u0161': 's',
		'\u0178': 'y', '\u017e': 'z', '\u017f': 's', '\u0430': 'a', '\u03bf': 'o', '\u4e00': 0,
	} {
		if got := lookAlike(r); got != want {
			t.Errorf("lookAlike(%U) = %q, want %q", r, got, want)
		}
	}
}

func TestImpersonatesBoundsLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxNameBytes) + "G00gle"
	if b, ok := Impersonates(long); ok {
		t.Errorf("a name is read only up to %d bytes, yet matched %q", maxNameBytes, b)
	}
	if b, ok := Impersonates("G00gle" + strings.Repeat(" a", maxNameBytes)); !ok || b != "Google" {
		t.Errorf("imitation at the start of a long name: %q, %v", b, ok)
	}
}

func FuzzImpersonates(f *testing.F) {
	for _, s := range []string{"Z\u043e\u043em", "Micros0ft", "Zoom for Gmail", "", "\xff\xfe", "rnrnrn", "1!|@$",
		"\U0001d7ce\U0001d7cf", "G o o g 1 e"} {
		f.Add(s)
	}
	names := map[string]bool{}
	for _, b := range brands {
		names[b.name] = true
	}
	f.Fuzz(func(t *testing.T, name string) {
		brand, ok := Impersonates(name)
		again, ok2 := Impersonates(name)
		if brand != again || ok != ok2 {
			t.Fatalf("unstable: %q,%v then %q,%v", brand, ok, again, ok2)
		}
		if ok != names[brand] || (!ok && brand != "") {
			t.Fatalf("Impersonates(%q) = %q, %v: not a watched brand", name, brand, ok)
		}
		folded, plain, _ := skeleton(name)
		if !utf8.Valid(folded) || len(plain) > len(name)+utf8.RuneCountInString(name) {
			t.Fatalf("skeleton(%q) = %q, %q", name, folded, plain)
		}
	})
}

func BenchmarkImpersonates(b *testing.B) {
	names := []string{"Zoom for Gmail", "Micros0ft Teams Sync", "PDF Docs Sync", "Z\u043e\u043em Meetings"}
	for b.Loop() {
		for _, n := range names {
			Impersonates(n)
		}
	}
}
