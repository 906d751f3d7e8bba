package slack

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// Connector discovers, remediates and reads the audit log of one Slack organization (or
// workspace). It is safe for concurrent use.
type Connector struct {
	cfg   Config
	env   connector.Env
	token string
	// sleep waits on the real clock; tests replace it.
	sleep func(context.Context, time.Duration) error
}

var (
	_ connector.Connector   = (*Connector)(nil)
	_ connector.Remediator  = (*Connector)(nil)
	_ connector.EventSource = (*Connector)(nil)
)

// New validates cfg, reads the token and returns the connector. It makes no request.
func New(cfg Config, env connector.Env) (*Connector, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, nhi.WrapError(nhi.CodeInvalid, errors.Join(errs...), "invalid Slack configuration")
	}
	cfg = cfg.withDefaults()
	secret, err := cfg.Token.Resolve()
	if err != nil {
		return nil, err
	}
	tok := strings.TrimSpace(string(secret))
	if tok == "" {
		return nil, nhi.Errorf(nhi.CodeInvalid, "slack: token %s is empty", cfg.Token)
	}
	return &Connector{cfg: cfg, env: env, token: tok, sleep: sleepContext}, nil
}

// Info describes the instance; Tenant is the configured organization or workspace ID.
func (c *Connector) Info() connector.Info {
	return connector.Info{Name: c.cfg.Name, Platform: nhi.PlatformSlack, Tenant: c.cfg.tenant()}
}

// grid reports whether the instance scans an Enterprise Grid organization.
func (c *Connector) grid() bool { return c.cfg.EnterpriseID != "" }

// Unavailable returns the detections a workspace token (no Enterprise Grid) cannot make,
// for the operator; nil for an organization.
func (c *Connector) Unavailable() []string {
	if c.grid() {
		return nil
	}
	return []string{
		"org-wide versus workspace installs and Slack's is_sensitive scope flags (admin.apps.approved.list)",
		"restricted apps and pending app requests (admin.apps.restricted.list, admin.apps.requests.list)",
		"bot last use and audit events such as scope expansions (Audit Logs API)",
		"uninstalling and restricting apps (admin.apps.uninstall, admin.apps.restrict)",
	}
}

// sleepContext waits d, or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
