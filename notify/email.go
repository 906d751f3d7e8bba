package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// EmailConfig configures an email alerter.
type EmailConfig struct {
	// Address is the SMTP server's host:port (587 with STARTTLS is usual).
	Address string
	// From is the sender; To the fixed recipients. ToOwner also mails the owner of the
	// alert's subject, when known.
	From    string
	To      []string
	ToOwner bool
	// Username and Password, if set, authenticate with PLAIN, which net/smtp allows only
	// over TLS or to localhost. The caller resolves the password from its reference.
	Username string
	Password []byte
	// Timeout bounds one delivery (default 30 s).
	Timeout time.Duration
	// TLS, if set, configures STARTTLS (nil uses the system's roots and the server's name).
	TLS *tls.Config
}

// Email mails alerts as plain text, with STARTTLS when the server offers it.
type Email struct {
	cfg  EmailConfig
	host string
	now  func() time.Time
}

// NewEmail validates c, reporting every problem at once, and returns the alerter.
func NewEmail(c EmailConfig) (*Email, error) {
	var probs []string
	host, _, err := net.SplitHostPort(c.Address)
	if err != nil || host == "" {
		probs = append(probs, fmt.Sprintf("address %q: want host:port", nhi.CleanText(c.Address)))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		probs = append(probs, fmt.Sprintf("from %q is not an email address", nhi.CleanText(c.From)))
	}
	if len(c.To) == 0 && !c.ToOwner {
		probs = append(probs, "no recipient: set to, or to_owner")
	}
	for _, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			probs = append(probs, fmt.Sprintf("to %q is not an email address", nhi.CleanText(to)))
		}
	}
	if len(probs) > 0 {
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: email: %s", strings.Join(probs, "; "))
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	return &Email{cfg: c, host: host, now: time.Now}, nil
}

// String names the alerter by its server.
func (e *Email) String() string { return "email via " + e.cfg.Address }

// Alert mails a to the fixed recipients and, with ToOwner, to the owner.
func (e *Email) Alert(ctx context.Context, a Alert) error {
	to := append([]string{}, e.cfg.To...)
	if e.cfg.ToOwner && a.OwnerEmail != "" {
		if addr, err := mail.ParseAddress(a.OwnerEmail); err == nil {
			to = append(to, addr.Address)
		}
	}
	if len(to) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.send(ctx, to, e.message(a, to)) }()
	select {
	case err := <-done:
		if err != nil {
			return nhi.WrapError(nhi.CodeUnavailable, err, "notify: "+e.String()+" failed")
		}
		return nil
	case <-ctx.Done():
		return nhi.WrapError(nhi.CodeUnavailable, ctx.Err(), "notify: "+e.String()+" timed out")
	}
}

// send runs one SMTP session.
func (e *Email) send(ctx context.Context, to []string, msg []byte) error {
	d := net.Dialer{Timeout: e.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", e.cfg.Address)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := e.cfg.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: e.host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, string(e.cfg.Password), e.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(e.cfg.From); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message builds the mail: headers (the subject Q-encoded, every value cleaned so that
// no name can inject a header) and a plain-text body.
func (e *Email) message(a Alert, to []string) []byte {
	f := a.Finding
	var b strings.Builder
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", e.cfg.From)
	hdr("To", strings.Join(to, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", clip(a.summary(), 200)))
	hdr("Date", e.now().UTC().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+a.DeliveryID()+"@nhi>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	line := func(format string, args ...any) { b.WriteString(fmt.Sprintf(format, args...) + "\r\n") }
	line("%s", a.summary())
	line("")
	line("Signal:   %s", nhi.CleanText(f.Signal))
	line("Severity: %s", f.Severity)
	line("Platform: %s %s", f.Platform, nhi.CleanText(f.Tenant))
	line("Subject:  %s (%s)", nhi.CleanText(f.SubjectID), f.SubjectKind)
	if a.OwnerEmail != "" {
		line("Owner:    %s", nhi.CleanText(a.OwnerEmail))
	}
	line("")
	for _, ev := range f.Evidence {
		line("- %s", cleanLong(ev))
	}
	line("")
	line("nhi findings show %s", f.ID)
	// A line holding only "." would end DATA early; net/smtp's writer dot-stuffs, but
	// keep the body free of bare CRs and LFs from untrusted text all the same.
	return []byte(b.String())
}
