package risk

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/nhiscope/nhi"
)

// catalogueDataKinds lists the words a catalogue entry may use for the data it reaches,
// with what each means. A test holds every entry to this vocabulary.
var catalogueDataKinds = [...]struct{ name, meaning string }{
	{"identity", "who the user is: name, email, sign-in, credentials of the account"},
	{"mail", "messages, mailbox settings, sending as the user"},
	{"files", "documents, drives, sites, attachments"},
	{"calendar", "events and meetings"},
	{"contacts", "address books and people"},
	{"tasks", "tasks, issues, projects"},
	{"chat", "messages in chat channels and direct messages"},
	{"directory", "users, groups and their attributes"},
	{"admin", "tenant administration: roles, policies, apps, settings"},
	{"code", "source code, CI/CD, packages"},
	{"crm", "customer records"},
	{"cloud", "cloud infrastructure and its data"},
	{"secrets", "keys, tokens and secrets held by the platform"},
	{"devices", "managed devices"},
	{"audit", "audit and activity logs"},
}

// docPlatformTitle names a platform in the generated reference.
func docPlatformTitle(p nhi.Platform) string {
	switch p {
	case "aws":
		return "AWS IAM"
	case "github":
		return "GitHub"
	case nhi.PlatformGoogleWorkspace:
		return "Google Workspace"
	case "microsoft_entra":
		return "Microsoft Entra ID (Microsoft Graph, Exchange Online)"
	case "okta":
		return "Okta"
	case "salesforce":
		return "Salesforce"
	case "slack":
		return "Slack"
	}
	return string(p)
}

// WritePermissionsDoc writes the catalogue as Markdown, the text of docs/permissions.md:
// one section per platform, entries by tier (most dangerous first) then scope.
func WritePermissionsDoc(w io.Writer, c *Catalogue) error {
	bw := bufio.NewWriter(w)
	writeDocHeader(bw, c)
	var cur nhi.Platform
	for _, p := range c.All() {
		if p.Platform != cur {
			cur = p.Platform
			fmt.Fprintf(bw, "\n## %s\n\nPlatform `%s`, %d entries.\n\n", docPlatformTitle(cur), cur, docCount(c, cur))
			bw.WriteString("| Scope | Tier | Data | Platform label | Note | Source |\n|---|---|---|---|---|---|\n")
		}
		fmt.Fprintf(bw, "| `%s` | %s | %s | %s | %s | %s |\n", docCell(p.Scope), p.Tier,
			docCell(strings.Join(p.Data, ", ")), docDash(docCell(p.Label)), docDash(docCell(p.Note)), docSource(p.Source))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("risk: write permissions doc: %w", err)
	}
	return nil
}

// writeDocHeader writes the title, the legend and the count of entries per platform.
func writeDocHeader(w *bufio.Writer, c *Catalogue) {
	w.WriteString("# Permission catalogue\n\n")
	w.WriteString("<!-- Generated from risk/permissions/*.yaml by `go test ./risk -run TestDocs -update`. Do not edit. -->\n\n")
	w.WriteString("What each scope or permission a non-human identity holds can reach, as nhi rates it. ")
	w.WriteString("A scope missing from this list is reported as unknown, never as low.\n\n")
	w.WriteString("Tiers (ours): **critical** can take over the tenant or grant itself more; **high** reads or writes ")
	w.WriteString("business data broadly (all mail, all files, all repositories, all records); **medium** is sensitive ")
	w.WriteString("but bounded; **low** is sign-in and basic profile. *Platform label* is what the platform itself says ")
	w.WriteString("(Google restricted or sensitive, Microsoft's caution); a dash means it publishes none.\n\n")
	w.WriteString("Data reached:\n\n")
	for _, d := range catalogueDataKinds {
		fmt.Fprintf(w, "- `%s`: %s\n", d.name, d.meaning)
	}
	w.WriteString("\n| Platform | Critical | High | Medium | Low |\n|---|---|---|---|---|\n")
	for _, p := range docPlatforms(c) {
		n := docTierCounts(c, p)
		fmt.Fprintf(w, "| %s | %d | %d | %d | %d |\n", docPlatformTitle(p), n[TierCritical], n[TierHigh], n[TierMedium], n[TierLow])
	}
}

// docPlatforms lists the catalogue's platforms in order.
func docPlatforms(c *Catalogue) []nhi.Platform {
	var out []nhi.Platform
	for _, p := range c.All() {
		if len(out) == 0 || out[len(out)-1] != p.Platform {
			out = append(out, p.Platform)
		}
	}
	return out
}

// docTierCounts counts a platform's entries by tier.
func docTierCounts(c *Catalogue, p nhi.Platform) [TierCritical + 1]int {
	var n [TierCritical + 1]int
	for _, e := range c.All() {
		if e.Platform == p {
			n[e.Tier]++
		}
	}
	return n
}

func docCount(c *Catalogue, p nhi.Platform) int {
	n := 0
	for _, k := range docTierCounts(c, p) {
		n += k
	}
	return n
}

// docCell makes text safe inside a Markdown table cell.
func docCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
}

func docDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// docSource renders a source URL as a link named by its host.
func docSource(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return docCell(s)
	}
	return fmt.Sprintf("[%s](%s)", strings.TrimPrefix(u.Host, "www."), s)
}
