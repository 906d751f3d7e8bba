package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
)

// SyslogConfig configures a syslog alerter.
type SyslogConfig struct {
	// Network is "udp" or "tcp" (RFC 6587 octet counting); Address host:port.
	Network, Address string
	// Hostname is the HOSTNAME of the messages; empty means the machine's name.
	Hostname string
	// Timeout bounds dialling and writing (default 5 s).
	Timeout time.Duration
}

// Syslog sends alerts as RFC 5424 messages whose MSG is an OCSF Detection Finding (class
// 2004) in JSON, for SIEMs that ingest OCSF.
type Syslog struct {
	cfg  SyslogConfig
	mu   sync.Mutex
	conn net.Conn
	now  func() time.Time
}

// NewSyslog validates c and returns the alerter; it connects on first use.
func NewSyslog(c SyslogConfig) (*Syslog, error) {
	if c.Network != "udp" && c.Network != "tcp" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: syslog network %q: want udp or tcp", nhi.CleanText(c.Network))
	}
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "notify: syslog address %q: want host:port", nhi.CleanText(c.Address))
	}
	if c.Hostname == "" {
		c.Hostname, _ = os.Hostname()
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	return &Syslog{cfg: c, now: time.Now}, nil
}

// String names the alerter.
func (s *Syslog) String() string { return "syslog " + s.cfg.Network + " to " + s.cfg.Address }

// Alert sends the alert; a broken TCP connection is dialled again once.
func (s *Syslog) Alert(ctx context.Context, a Alert) error {
	msg, err := syslogMessage(a, s.cfg.Hostname, s.now())
	if err != nil {
		return err
	}
	if s.cfg.Network == "tcp" {
		msg = []byte(strconv.Itoa(len(msg)) + " " + string(msg))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if err := s.write(ctx, msg); err == nil {
			return nil
		} else if attempt > 0 || ctx.Err() != nil {
			return nhi.WrapError(nhi.CodeUnavailable, err, "notify: "+s.String()+" failed")
		}
	}
}

// write sends msg on the connection, dialling it when there is none. s.mu is held.
func (s *Syslog) write(ctx context.Context, msg []byte) error {
	if s.conn == nil {
		d := net.Dialer{Timeout: s.cfg.Timeout}
		c, err := d.DialContext(ctx, s.cfg.Network, s.cfg.Address)
		if err != nil {
			return err
		}
		s.conn = c
	}
	_ = s.conn.SetWriteDeadline(time.Now().Add(s.cfg.Timeout))
	if _, err := s.conn.Write(msg); err != nil {
		_ = s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}

// Close closes the connection.
func (s *Syslog) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

// syslogSeverity maps a finding's severity to a syslog severity (RFC 5424).
func syslogSeverity(s nhi.Severity) int {
	switch s {
	case nhi.SeverityCritical:
		return 2 // critical
	case nhi.SeverityHigh:
		return 3 // error
	case nhi.SeverityMedium:
		return 4 // warning
	case nhi.SeverityLow:
		return 5 // notice
	}
	return 6 // informational
}

// syslogFacility is local0 (16), a facility SIEM collectors commonly route.
const syslogFacility = 16

// syslogMessage returns the RFC 5424 message of a:
// <PRI>1 TIMESTAMP HOSTNAME nhi - nhi.alert - OCSF-JSON.
func syslogMessage(a Alert, host string, now time.Time) ([]byte, error) {
	body, err := json.Marshal(OCSF(a, now))
	if err != nil {
		return nil, fmt.Errorf("notify: syslog: encode alert: %w", err)
	}
	host = strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' {
			return -1
		}
		return r
	}, host)
	if host == "" {
		host = "-"
	}
	pri := syslogFacility*8 + syslogSeverity(a.Finding.Severity)
	return fmt.Appendf(nil, "<%d>1 %s %s nhi - nhi.alert - %s", pri, now.UTC().Format(time.RFC3339Nano), host, body), nil
}
