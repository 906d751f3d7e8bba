package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// AlertType is the type of a webhook alert delivery (schema version NoticeVersion).
const AlertType = "nhi.alert"

// Alerter delivers alerts about findings (a behavioural detection, a critical risk).
// Webhook, Slack, Email and Syslog implement it.
type Alerter interface {
	Alert(ctx context.Context, a Alert) error
}

// Alert is one alert: a finding, how many times it was seen since its last alert, and
// whom it concerns. Names and evidence come from tenants and are untrusted; alerters
// clean and escape them.
type Alert struct {
	// Finding is what the alert is about.
	Finding nhi.Finding
	// Repeats is how many more times the finding was raised, and held back, since its
	// last alert.
	Repeats int
	// Update says the finding was alerted before (OCSF activity Update rather than
	// Create).
	Update bool
	// OwnerEmail is the email of the subject's owner, when known.
	OwnerEmail string
	// At is when the alert was raised.
	At time.Time
}

// DeliveryID is the alert's delivery ID: its finding and time, so that retries of one
// alert carry the same ID and later alerts of the same finding another.
func (a Alert) DeliveryID() string {
	return fmt.Sprintf("alr_%s_%d", strings.TrimPrefix(a.Finding.ID, "fnd_"), a.At.Unix())
}

// summary is the alert in one line of plain text.
func (a Alert) summary() string {
	f := a.Finding
	s := fmt.Sprintf("[%s] %s on %s %s (%s)", f.Severity, nhi.CleanText(f.Title), f.Platform, nhi.CleanText(f.Tenant),
		nhi.CleanText(f.Signal))
	if a.Repeats > 0 {
		s += fmt.Sprintf(", %d more since the last alert", a.Repeats)
	}
	return s
}

// AlertBody is the JSON body of a webhook alert.
type AlertBody struct {
	Version   int       `json:"version"`
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Summary   string    `json:"summary"`
	Repeats   int       `json:"repeats"`
	Owner     string    `json:"owner_email,omitempty"`
	// Finding is the finding, its text fields cleaned.
	Finding nhi.Finding `json:"finding"`
}

// cleanFinding returns f with its text cleaned.
func cleanFinding(f nhi.Finding) nhi.Finding {
	f.Title, f.Tenant, f.AppID, f.OwnerID = nhi.CleanText(f.Title), nhi.CleanText(f.Tenant), nhi.CleanText(f.AppID), nhi.CleanText(f.OwnerID)
	ev := make([]string, len(f.Evidence))
	for i, e := range f.Evidence {
		ev[i] = cleanLong(e)
	}
	f.Evidence = ev
	return f
}

// Alert posts a signed AlertBody.
func (w *Webhook) Alert(ctx context.Context, a Alert) error {
	body, err := json.Marshal(AlertBody{Version: NoticeVersion, Type: AlertType, ID: a.DeliveryID(),
		CreatedAt: w.s.now().UTC().Truncate(time.Second), Summary: a.summary(), Repeats: a.Repeats,
		Owner: nhi.CleanText(a.OwnerEmail), Finding: cleanFinding(a.Finding)})
	if err != nil {
		return fmt.Errorf("notify: webhook: encode alert: %w", err)
	}
	id := a.DeliveryID()
	return w.s.post(ctx, body, func(h http.Header) {
		h.Set(DeliveryHeader, id)
		h.Set(SignatureHeader, Sign(w.secret, body, w.s.now()))
	}, w.judge)
}

// Alert posts the alert to Slack: a header, the finding's fields and its evidence, every
// untrusted text escaped and in code spans.
func (s *Slack) Alert(ctx context.Context, a Alert) error {
	f := a.Finding
	fields := []slackText{mrkdwn("*Severity*\n" + escape(string(f.Severity))), mrkdwn("*Signal*\n" + code(f.Signal)),
		mrkdwn("*Platform*\n" + code(string(f.Platform)+" "+f.Tenant)), mrkdwn("*Subject*\n" + code(f.SubjectID))}
	if a.OwnerEmail != "" {
		fields = append(fields, mrkdwn("*Owner*\n"+code(a.OwnerEmail)))
	}
	var ev []string
	for _, e := range f.Evidence {
		ev = append(ev, "• "+escape(nhi.CleanText(e)))
	}
	p := slackPayload{Text: escape(a.summary()), Blocks: []slackBlock{
		{Type: "header", Text: ptr(slackText{Type: "plain_text", Text: clip(nhi.CleanText(f.Title), 150)})},
		{Type: "section", Fields: fields},
	}}
	if len(ev) > 0 {
		p.Blocks = append(p.Blocks, slackBlock{Type: "section", Text: ptr(mrkdwn(clip(strings.Join(ev, "\n"), maxSectionText)))})
	}
	if a.Repeats > 0 {
		p.Blocks = append(p.Blocks, slackBlock{Type: "context", Elements: []slackText{
			mrkdwn(fmt.Sprintf("%d more since the last alert", a.Repeats))}})
	}
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("notify: slack: encode alert: %w", err)
	}
	return s.s.post(ctx, body, func(http.Header) {}, s.judge)
}
