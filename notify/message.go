package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// Notifier delivers owner notices. Notify returns nil once the receiver accepted the
// notice; errors carry nhi codes (CodeInvalid for a notice or destination the receiver
// refuses, CodeForbidden, CodeNotFound, CodeRateLimited, CodeUnavailable, CodeCanceled).
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// Message is what an identity's owner receives: which policy asks what about which
// identity, why, by when, and how to keep the identity. Names come from tenants and are
// untrusted; notifiers clean and escape them.
type Message struct {
	// ID is the delivery ID; empty means DeliveryID derives a stable one, so that
	// the same notice sent again (a rerun of its plan) carries the same ID.
	ID string
	// Policy names the policy that asks.
	Policy string
	// Action is the action nhi proposes to take after Deadline; empty or
	// nhi.ActionNotifyOwner when the notice only asks to justify or rotate.
	Action nhi.ActionType
	// PlanID and ActionID say which plan action the notice belongs to.
	PlanID   string
	ActionID string
	// Platform and Tenant say where the identity lives.
	Platform nhi.Platform
	Tenant   string
	// IdentityID, IdentityName and Kind describe the identity; IdentityID is empty for
	// app-wide actions.
	IdentityID   string
	IdentityName string
	Kind         nhi.Kind
	// AppID and AppName describe the app the identity belongs to, if any.
	AppID   string
	AppName string
	// OwnerEmail is whom the notice is for.
	OwnerEmail string
	// Reason explains to the owner why nhi asks.
	Reason string
	// Deadline is when nhi acts unless the owner answers; zero means no deadline.
	Deadline time.Time
	// JustifyURL (absolute http or https) and JustifyCommand say how the owner keeps the
	// identity: a page to justify it, or a command to run.
	JustifyURL     string
	JustifyCommand string
}

// maxIDLen bounds a caller-supplied delivery ID, which travels in a header.
const maxIDLen = 128

// FromAction returns the message for action a of plan p, with everything the plan knows
// filled in. Callers add OwnerEmail, AppName, Deadline and the justify link, and set
// Action to the type of the action that follows the deadline, if any.
func FromAction(p nhi.Plan, a nhi.Action) Message {
	reason := a.Reason
	if reason.Policy == "" && reason.Text == "" {
		reason = p.Reason
	}
	text := a.Message
	if text == "" {
		text = reason.Text
	}
	return Message{Policy: reason.Policy, Action: a.Type, PlanID: p.ID, ActionID: a.ID,
		Platform: a.Platform, Tenant: a.Tenant, IdentityID: a.IdentityID, IdentityName: a.Name,
		Kind: a.Kind, AppID: a.AppID, Reason: text}
}

// DeliveryID returns m.ID, or an ID derived from what the notice is about ("ntf_" and
// 32 hex digits): the same plan action, target, owner and deadline give the same ID, so
// that receivers can drop duplicates.
func (m Message) DeliveryID() string {
	if m.ID != "" {
		return m.ID
	}
	h := sha256.New()
	for _, s := range []string{m.PlanID, m.ActionID, string(m.Platform), m.Tenant, m.IdentityID,
		m.AppID, string(m.Action), m.OwnerEmail, strconv.FormatInt(m.Deadline.Unix(), 10)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "ntf_" + hex.EncodeToString(h.Sum(nil)[:16])
}

// Validate reports every problem of m at once, with code CodeInvalid.
func (m Message) Validate() error {
	var errs []error
	if m.ID != "" && !validID(m.ID) {
		errs = append(errs, fmt.Errorf("id must be 1-%d letters, digits or . _ : -", maxIDLen))
	}
	if m.Action != "" && !m.Action.Valid() {
		errs = append(errs, fmt.Errorf("unknown action %q", m.Action))
	}
	if m.Platform == "" {
		errs = append(errs, errors.New("platform is empty"))
	}
	if m.IdentityID == "" && m.AppID == "" {
		errs = append(errs, errors.New("neither identity_id nor app_id is set"))
	}
	if m.JustifyURL != "" {
		if u, err := url.Parse(m.JustifyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("justify URL must be an absolute http or https URL"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, "notify: invalid message")
	}
	return nil
}

// validID reports whether id is a token safe to send in a header.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)
		if !ok {
			return false
		}
	}
	return true
}

// cleaned returns m with every free-text field made safe by nhi.CleanText (control and
// bidirectional-override characters dropped, length bounded).
func (m Message) cleaned() Message {
	for _, p := range []*string{&m.Policy, &m.PlanID, &m.ActionID, &m.Tenant, &m.IdentityID,
		&m.IdentityName, &m.AppID, &m.AppName, &m.OwnerEmail, &m.JustifyURL, &m.JustifyCommand} {
		*p = nhi.CleanText(*p)
	}
	m.Reason = cleanLong(m.Reason)
	return m
}

// maxReasonLen is the most runes of a reason a notice carries.
const maxReasonLen = 2000

// cleanLong cleans a paragraph word by word, folding white space, and keeps whole words
// up to maxReasonLen runes (nhi.CleanText alone keeps nhi.MaxTextLen).
func cleanLong(s string) string {
	var parts []string
	n := 0
	for chunk := range strings.FieldsSeq(s) {
		c := nhi.CleanText(chunk)
		if c == "" {
			continue
		}
		if n+len([]rune(c)) > maxReasonLen {
			break
		}
		parts = append(parts, c)
		n += len([]rune(c)) + 1
	}
	return strings.Join(parts, " ")
}

// verb says, for a reader, what the notice is about.
func (m Message) verb() string {
	if m.Action == "" || m.Action == nhi.ActionNotifyOwner {
		return "asks you to justify or rotate"
	}
	return "proposes " + strings.ReplaceAll(string(m.Action), "_", " ") + " for"
}

// summary is a one-line text of the notice; m must be cleaned.
func (m Message) summary() string {
	target := m.IdentityName
	if target == "" {
		target = firstNonEmpty(m.AppName, m.IdentityID, m.AppID)
	}
	s := "nhi"
	if m.Policy != "" {
		s += " policy " + m.Policy
	}
	s += " " + m.verb() + " " + target + " (" + string(m.Platform) + ")"
	if !m.Deadline.IsZero() {
		s += " by " + m.Deadline.UTC().Format(time.RFC3339)
	}
	return s
}

// firstNonEmpty returns the first non-empty string, or "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
