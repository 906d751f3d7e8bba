package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// sampleAlert returns an alert on a hostile-named identity.
func sampleAlert() Alert {
	return Alert{At: t0, Repeats: 2, OwnerEmail: "alice@example.com", Finding: nhi.Finding{ID: "fnd_abc",
		Signal: "behavior.recon_then_export", Title: "Recon, then bulk export", Severity: nhi.SeverityCritical,
		Points: 60, OWASP: []string{"NHI3:2025"}, SubjectKind: nhi.SubjectIdentity, SubjectID: "sale_xyz",
		Platform: nhi.PlatformSalesforce, Tenant: "00Dexample", AppID: "0H4drift", OwnerID: "005drift",
		Evidence: []string{"4 queries of Account, Case <!channel>\r\nBcc: evil@example.com", "queries from 203.0.113.7, export from 192.0.2.9"}}}
}

// TestWebhookAlert checks the signed alert body.
func TestWebhookAlert(t *testing.T) {
	t.Parallel()
	rc, srv := serve(t)
	a := sampleAlert()
	if err := newTestWebhook(t, srv.URL+"/a", &sleeps{}).Alert(context.Background(), a); err != nil {
		t.Fatalf("Alert: %v", err)
	}
	reqs := rc.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if err := Verify([]byte(testSecret), reqs[0].header.Get(SignatureHeader), reqs[0].body, t0, time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	var got AlertBody
	if err := json.Unmarshal(reqs[0].body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Type != AlertType || got.ID != a.DeliveryID() || reqs[0].header.Get(DeliveryHeader) != a.DeliveryID() ||
		got.Repeats != 2 || got.Finding.ID != "fnd_abc" || strings.ContainsAny(got.Finding.Evidence[0], "\r\n") {
		t.Errorf("alert body = %+v", got)
	}
}

// TestSlackAlert checks that untrusted evidence cannot mention or format in Slack.
func TestSlackAlert(t *testing.T) {
	t.Parallel()
	rc, srv := serve(t)
	s, err := NewSlack(SlackConfig{URL: srv.URL + "/services/T/B/X", HTTP: HTTPOptions{Now: fixedNow, Client: &http.Client{Transport: &http.Transport{}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Alert(context.Background(), sampleAlert()); err != nil {
		t.Fatalf("Alert: %v", err)
	}
	body := string(rc.requests()[0].body)
	if strings.Contains(body, "<!channel>") || !strings.Contains(body, `\u0026lt;!channel\u0026gt;`) || !strings.Contains(body, "2 more since the last alert") {
		t.Errorf("slack alert body not escaped or incomplete: %s", body)
	}
}

// TestOCSF checks the Detection Finding event of an alert.
func TestOCSF(t *testing.T) {
	t.Parallel()
	a := sampleAlert()
	ev := OCSF(a, t0)
	if ev.ClassUID != 2004 || ev.CategoryUID != 2 || ev.TypeUID != 200401 || ev.SeverityID != 5 || ev.Count != 3 ||
		ev.FindingInfo.UID != "fnd_abc" || ev.Resources[0].Cloud != "salesforce" || ev.Time != t0.UnixMilli() {
		t.Errorf("OCSF = %+v", ev)
	}
	a.Update = true
	if ev := OCSF(a, t0); ev.ActivityID != 2 || ev.TypeUID != 200402 {
		t.Errorf("update: activity %d type %d, want 2 and 200402", ev.ActivityID, ev.TypeUID)
	}
}

// TestSyslogAlert checks RFC 5424 messages over UDP and TCP (octet counting).
func TestSyslogAlert(t *testing.T) {
	t.Parallel()
	t.Run("udp", func(t *testing.T) {
		t.Parallel()
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		s, err := NewSyslog(SyslogConfig{Network: "udp", Address: pc.LocalAddr().String(), Hostname: "nhi-host"})
		if err != nil {
			t.Fatal(err)
		}
		s.now = fixedNow
		defer s.Close()
		if err := s.Alert(context.Background(), sampleAlert()); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 65536)
		_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		checkSyslog(t, string(buf[:n]))
	})
	t.Run("tcp", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan string, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			r := bufio.NewReader(c)
			n, _ := r.ReadString(' ')
			size, _ := strconv.Atoi(strings.TrimSpace(n))
			b := make([]byte, size)
			_, _ = r.Read(b)
			for read := len(strings.TrimRight(string(b), "\x00")); read < size; {
				m, err := r.Read(b[read:])
				if err != nil {
					break
				}
				read += m
			}
			got <- string(b)
		}()
		s, err := NewSyslog(SyslogConfig{Network: "tcp", Address: ln.Addr().String(), Hostname: "nhi-host"})
		if err != nil {
			t.Fatal(err)
		}
		s.now = fixedNow
		defer s.Close()
		if err := s.Alert(context.Background(), sampleAlert()); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-got:
			checkSyslog(t, m)
		case <-time.After(5 * time.Second):
			t.Fatal("no syslog message")
		}
	})
	if _, err := NewSyslog(SyslogConfig{Network: "http", Address: "x"}); nhi.ErrorCode(err) != nhi.CodeInvalid {
		t.Errorf("bad config: %v", err)
	}
}

// checkSyslog checks one message: local0 critical, RFC 5424 header, OCSF JSON.
func checkSyslog(t *testing.T, m string) {
	t.Helper()
	head := "<130>1 2026-03-01T09:00:00Z nhi-host nhi - nhi.alert - "
	if !strings.HasPrefix(m, head) {
		t.Fatalf("syslog message %q, want prefix %q", m, head)
	}
	var ev OCSFFinding
	if err := json.Unmarshal([]byte(strings.TrimPrefix(m, head)), &ev); err != nil || ev.ClassUID != 2004 {
		t.Errorf("MSG is not an OCSF finding: %v %+v", err, ev)
	}
}

// fakeSMTP is a minimal SMTP server that records one mail.
type fakeSMTP struct {
	mu   sync.Mutex
	rcpt []string
	data string
}

func (f *fakeSMTP) serve(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			f.mu.Lock()
			f.rcpt = append(f.rcpt, strings.TrimSpace(line[len("RCPT TO:"):]))
			f.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			f.mu.Lock()
			f.data = b.String()
			f.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("502 no")
		}
	}
}

// TestEmailAlert checks the mail: recipients with the owner, a header-safe subject and
// the evidence in the body without injected headers.
func TestEmailAlert(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := &fakeSMTP{}
	go f.serve(ln)
	e, err := NewEmail(EmailConfig{Address: ln.Addr().String(), From: "nhi@example.com", To: []string{"sec@example.com"}, ToOwner: true})
	if err != nil {
		t.Fatal(err)
	}
	e.now = fixedNow
	if err := e.Alert(context.Background(), sampleAlert()); err != nil {
		t.Fatalf("Alert: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.Join(f.rcpt, " ") != "<sec@example.com> <alice@example.com>" {
		t.Errorf("recipients %q", f.rcpt)
	}
	head, body, _ := strings.Cut(f.data, "\r\n\r\n")
	if strings.Contains(head, "\r\nBcc") || !strings.Contains(head, "\r\nSubject: [critical] Recon") || !strings.Contains(body, "nhi findings show fnd_abc") ||
		strings.Contains(body, "\r\nBcc: evil") {
		t.Errorf("mail:\n%s", f.data)
	}
	if _, err := NewEmail(EmailConfig{Address: "nohost", From: "x"}); nhi.ErrorCode(err) != nhi.CodeInvalid ||
		!strings.Contains(err.Error(), "no recipient") || !strings.Contains(err.Error(), "address") {
		t.Errorf("bad config: %v", err)
	}
}
