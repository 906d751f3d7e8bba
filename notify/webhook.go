package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nhiscope/nhi"
)

// The schema of a webhook notice.
const (
	// NoticeVersion is the version of the Notice schema. Fields may be added within a
	// version; renaming or removing one makes a new version.
	NoticeVersion = 1
	// NoticeType is the type of an owner notice.
	NoticeType = "nhi.owner_notice"
)

// MinSecretLen is the shortest webhook signing secret accepted, in bytes.
const MinSecretLen = 16

// Notice is the JSON body of a webhook delivery (schema version 1). Times are RFC 3339
// in UTC; text fields are cleaned by nhi.CleanText but not escaped for any markup.
type Notice struct {
	Version int    `json:"version"`
	Type    string `json:"type"`
	// ID is the delivery ID, also sent in DeliveryHeader.
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	// Summary is the notice in one line of plain text.
	Summary  string          `json:"summary"`
	Policy   string          `json:"policy,omitempty"`
	Action   nhi.ActionType  `json:"action,omitempty"`
	PlanID   string          `json:"plan_id,omitempty"`
	ActionID string          `json:"action_id,omitempty"`
	Platform nhi.Platform    `json:"platform"`
	Tenant   string          `json:"tenant,omitempty"`
	Identity *NoticeIdentity `json:"identity,omitempty"`
	App      *NoticeApp      `json:"app,omitempty"`
	Owner    *NoticeOwner    `json:"owner,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Deadline time.Time       `json:"deadline,omitzero"`
	Justify  *NoticeJustify  `json:"justify,omitempty"`
}

// NoticeIdentity is the identity a notice is about.
type NoticeIdentity struct {
	ID   string   `json:"id"`
	Name string   `json:"name,omitempty"`
	Kind nhi.Kind `json:"kind,omitempty"`
}

// NoticeApp is the app the identity belongs to.
type NoticeApp struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// NoticeOwner is whom the notice is for.
type NoticeOwner struct {
	Email string `json:"email"`
}

// NoticeJustify says how the owner keeps the identity.
type NoticeJustify struct {
	URL     string `json:"url,omitempty"`
	Command string `json:"command,omitempty"`
}

// WebhookConfig configures a signed webhook notifier.
type WebhookConfig struct {
	// URL receives the POSTs: https, or http to a loopback host.
	URL string
	// Secret keys the HMAC-SHA256 signatures, at least MinSecretLen bytes. The caller
	// resolves it (connector.SecretRef); the notifier keeps a copy and never logs it.
	Secret []byte
	HTTP   HTTPOptions
}

// Webhook posts signed JSON notices (Notice) to one URL. Each attempt carries a fresh
// SignatureHeader; every attempt of one notice carries the same body and DeliveryHeader.
type Webhook struct {
	s      *sender
	secret []byte
}

var _ Notifier = (*Webhook)(nil)

// NewWebhook validates c, reporting every problem at once, and returns the notifier.
func NewWebhook(c WebhookConfig) (*Webhook, error) {
	var errs []error
	s, err := newSender("webhook", c.URL, c.HTTP)
	if err != nil {
		errs = append(errs, err)
	}
	if len(c.Secret) < MinSecretLen {
		errs = append(errs, fmt.Errorf("notify: webhook secret must be at least %d bytes", MinSecretLen))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "invalid webhook configuration")
	}
	return &Webhook{s: s, secret: append([]byte(nil), c.Secret...)}, nil
}

// String names the notifier by its host, never its path or secret.
func (w *Webhook) String() string { return "webhook to " + w.s.url.Host }

// GoString is String, so that %#v does not print the secret either.
func (w *Webhook) GoString() string { return w.String() }

// Notify posts m as a Notice and returns once the receiver answered 2xx.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(newNotice(m, w.s.now()))
	if err != nil {
		return fmt.Errorf("notify: webhook: encode notice: %w", err)
	}
	id := m.DeliveryID()
	return w.s.post(ctx, body, func(h http.Header) {
		h.Set(DeliveryHeader, id)
		h.Set(SignatureHeader, Sign(w.secret, body, w.s.now()))
	}, w.judge)
}

// judge maps the receiver's last answer to nil or an nhi error.
func (w *Webhook) judge(a answer) error {
	switch {
	case a.status >= 200 && a.status < 300:
		return nil
	case a.status >= 300 && a.status < 400:
		return nhi.Errorf(nhi.CodeInvalid, "notify: webhook: %s redirected (%d); only 307 and 308 to the same host are followed",
			w.s.url.Host, a.status)
	}
	return nhi.Errorf(statusCode(a.status), "notify: webhook: %s answered %d", w.s.url.Host, a.status)
}

// newNotice builds the notice of m, created at now.
func newNotice(m Message, now time.Time) Notice {
	id := m.DeliveryID()
	m = m.cleaned()
	n := Notice{Version: NoticeVersion, Type: NoticeType, ID: id, CreatedAt: now.UTC().Truncate(time.Second),
		Summary: m.summary(), Policy: m.Policy, Action: m.Action, PlanID: m.PlanID, ActionID: m.ActionID,
		Platform: m.Platform, Tenant: m.Tenant, Reason: m.Reason}
	if !m.Deadline.IsZero() {
		n.Deadline = m.Deadline.UTC().Truncate(time.Second)
	}
	if m.IdentityID != "" {
		n.Identity = &NoticeIdentity{ID: m.IdentityID, Name: m.IdentityName, Kind: m.Kind}
	}
	if m.AppID != "" {
		n.App = &NoticeApp{ID: m.AppID, Name: m.AppName}
	}
	if m.OwnerEmail != "" {
		n.Owner = &NoticeOwner{Email: m.OwnerEmail}
	}
	if m.JustifyURL != "" || m.JustifyCommand != "" {
		n.Justify = &NoticeJustify{URL: m.JustifyURL, Command: m.JustifyCommand}
	}
	return n
}

// statusCode maps an HTTP status that ends delivery to an nhi code.
func statusCode(status int) nhi.Code {
	switch {
	case status == http.StatusUnauthorized:
		return nhi.CodeUnauthorized
	case status == http.StatusForbidden:
		return nhi.CodeForbidden
	case status == http.StatusNotFound || status == http.StatusGone:
		return nhi.CodeNotFound
	case status == http.StatusTooManyRequests:
		return nhi.CodeRateLimited
	case status >= 500:
		return nhi.CodeUnavailable
	}
	return nhi.CodeInvalid // other 4xx, and redirects that were not followed
}
