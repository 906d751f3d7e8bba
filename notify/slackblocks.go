package notify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nhiscope/nhi"
)

// Limits of Block Kit text objects (Slack rejects longer ones with invalid_blocks).
const (
	maxSectionText = 3000
	maxFieldText   = 2000
)

// slackPayload is the body of an incoming-webhook POST.
type slackPayload struct {
	// Text is the fallback shown in notifications and by clients without blocks.
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackBlock is one Block Kit layout block (header, section or context).
type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

// slackText is a Block Kit text object.
type slackText struct {
	Type string `json:"type"` // "mrkdwn" or "plain_text"
	Text string `json:"text"`
}

// mrkdwn returns a mrkdwn text object.
func mrkdwn(s string) slackText { return slackText{Type: "mrkdwn", Text: s} }

// slackMessage renders m for Slack. Every value from m is cleaned, then escaped; in the
// blocks, names sit in code spans so that Slack neither links nor formats them. The
// fallback text, which Slack shows in notifications only, is escaped but not spanned.
func slackMessage(m Message) slackPayload {
	id := m.DeliveryID()
	m = m.cleaned()
	blocks := []slackBlock{
		{Type: "header", Text: &slackText{Type: "plain_text", Text: "nhi: a non-human identity you own needs attention"}},
		{Type: "section", Text: ptr(mrkdwn(clip("nhi "+escape(m.verb())+" this identity.", maxSectionText))), Fields: slackFields(m)},
	}
	if m.Reason != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: ptr(mrkdwn("*Why*\n" + clip(escape(m.Reason), maxSectionText-8)))})
	}
	if keep := slackJustify(m); keep != "" {
		blocks = append(blocks, slackBlock{Type: "section", Text: ptr(mrkdwn(clip(keep, maxSectionText)))})
	}
	ctx := "Delivery " + code(id)
	if m.PlanID != "" {
		ctx += " · plan " + code(m.PlanID) + " action " + code(m.ActionID)
	}
	blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{mrkdwn(ctx)}})
	return slackPayload{Text: clip(escape(m.summary()), maxSectionText), Blocks: blocks}
}

// slackFields returns the facts of m as section fields; m must be cleaned.
func slackFields(m Message) []slackText {
	var f []slackText
	add := func(label, value string) { f = append(f, mrkdwn(clip("*"+label+"*\n"+value, maxFieldText))) }
	if m.IdentityID != "" {
		v := code(firstNonEmpty(m.IdentityName, m.IdentityID))
		if m.Kind != "" {
			v += " (" + escape(strings.ReplaceAll(string(m.Kind), "_", " ")) + ")"
		}
		add("Identity", v)
	}
	platform := escape(string(m.Platform))
	if m.Tenant != "" {
		platform += " / " + code(m.Tenant)
	}
	add("Platform", platform)
	if m.AppID != "" {
		add("App", code(firstNonEmpty(m.AppName, m.AppID)))
	}
	if m.OwnerEmail != "" {
		add("Owner", code(m.OwnerEmail))
	}
	if m.Action != "" && m.Action != nhi.ActionNotifyOwner {
		add("Proposed action", escape(strings.ReplaceAll(string(m.Action), "_", " ")))
	}
	if !m.Deadline.IsZero() {
		// Slack shows the date in the reader's time zone; the fallback is UTC.
		add("Deadline", fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", m.Deadline.Unix(),
			m.Deadline.UTC().Format("2006-01-02 15:04 UTC")))
	}
	if m.Policy != "" {
		add("Policy", code(m.Policy))
	}
	return f
}

// slackJustify tells the owner how to keep the identity, or returns "".
func slackJustify(m Message) string {
	var ways []string
	if m.JustifyURL != "" {
		link := strings.ReplaceAll(escape(m.JustifyURL), "|", "%7C")
		ways = append(ways, "<"+link+"|justify it here>")
	}
	if m.JustifyCommand != "" {
		ways = append(ways, "run "+code(m.JustifyCommand))
	}
	if len(ways) == 0 {
		return ""
	}
	when := ""
	if !m.Deadline.IsZero() {
		when = " before the deadline"
	}
	return "*To keep it*, " + strings.Join(ways, " or ") + when + "."
}

// escape escapes the three characters Slack's mrkdwn gives meaning to: &, < and >.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code sets untrusted text in an inline code span: backticks become U+02CB (which looks
// alike but cannot end the span), and the rest is escaped.
func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + escape(strings.ReplaceAll(s, "`", "\u02cb")) + "`"
}

// clip cuts s to at most n bytes without splitting a rune or an entity (&amp;), marking
// the cut with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if amp := strings.LastIndexByte(s[:cut], '&'); amp >= 0 && !strings.Contains(s[amp:cut], ";") {
		cut = amp
	}
	return s[:cut] + "…"
}

// ptr returns a pointer to a copy of t.
func ptr(t slackText) *slackText { return &t }
