package main

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/notify"
	"github.com/nhiscope/nhi/store"
)

// alertKeys are the keys of an alerts entry.
var alertKeys = []string{"name", "type", "min_severity", "signals", "url", "secret", "address", "network", "from", "to",
	"to_owner", "username", "password"}

// alertConfig is one entry of the alerts list: where nhi serve sends alerts.
type alertConfig struct {
	Name, Type string
	Line       int
	// MinSeverity and Signals select the findings (Signals: comma-separated prefixes).
	MinSeverity nhi.Severity
	Signals     []string
	// settings are the type's own settings, as written.
	settings map[string]string
}

// parseAlerts decodes the alerts list, recording every problem.
func parseAlerts(n *yaml.Node, probs *problems) []alertConfig {
	if n.Kind != yaml.SequenceNode {
		probs.add(n.Line, "alerts", "want a list of alert destinations")
		return nil
	}
	var out []alertConfig
	for i, item := range n.Content {
		path := fmt.Sprintf("alerts[%d]", i)
		if item.Kind != yaml.MappingNode {
			probs.add(item.Line, path, "want a mapping with name, type and the type's settings")
			continue
		}
		c := alertConfig{Line: item.Line, settings: map[string]string{}}
		dups := duplicateKeys(path+".", probs)
		for k, v := range pairs(item) {
			if dups(k) {
				continue
			}
			c.settings[k.Value] = scalar(v, path+"."+k.Value, probs)
			if !strings.Contains(" "+strings.Join(alertKeys, " ")+" ", " "+k.Value+" ") {
				probs.add(k.Line, path+"."+k.Value, "unknown key (known: %s)", strings.Join(alertKeys, ", "))
			}
		}
		c.Name, c.Type = c.settings["name"], c.settings["type"]
		if !connectorName.MatchString(c.Name) {
			probs.add(item.Line, path+".name", "%q: use lowercase letters, digits, - and _", c.Name)
		}
		c.MinSeverity = nhi.SeverityHigh
		if v := c.settings["min_severity"]; v != "" {
			sev, err := nhi.ParseSeverity(v)
			if err != nil {
				probs.add(item.Line, path+".min_severity", "%s", nhi.ErrorMessage(err))
			}
			c.MinSeverity = sev
		}
		for _, p := range strings.Split(c.settings["signals"], ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.Signals = append(c.Signals, p)
			}
		}
		if _, err := c.build(false); err != nil {
			probs.add(item.Line, path, "%s", nhi.ErrorMessage(err))
		}
		out = append(out, c)
	}
	return out
}

// build makes the alerter; with resolve false it checks the settings with placeholder
// secrets and reads none.
func (c alertConfig) build(resolve bool) (notify.Alerter, error) {
	set := c.settings
	secret := func(key string) ([]byte, error) {
		ref := connector.SecretRef(set[key])
		if err := ref.Validate(); err != nil {
			return nil, nhi.Errorf(nhi.CodeInvalid, "%s: %s", key, nhi.ErrorMessage(err))
		}
		if !resolve {
			return []byte("0123456789abcdef-placeholder"), nil
		}
		b, err := ref.Resolve()
		return []byte(strings.TrimSpace(string(b))), err
	}
	switch c.Type {
	case "webhook":
		s, err := secret("secret")
		if err != nil {
			return nil, err
		}
		return notify.NewWebhook(notify.WebhookConfig{URL: set["url"], Secret: s})
	case "slack":
		u, err := secret("url")
		if err != nil {
			return nil, err
		}
		if !resolve {
			u = []byte("https://hooks.slack.com/services/placeholder")
		}
		return notify.NewSlack(notify.SlackConfig{URL: string(u)})
	case "email":
		ec := notify.EmailConfig{Address: set["address"], From: set["from"], ToOwner: set["to_owner"] == "true",
			Username: set["username"]}
		for _, to := range strings.Split(set["to"], ",") {
			if to = strings.TrimSpace(to); to != "" {
				ec.To = append(ec.To, to)
			}
		}
		if ec.Username != "" {
			pw, err := secret("password")
			if err != nil {
				return nil, err
			}
			ec.Password = pw
		}
		return notify.NewEmail(ec)
	case "syslog":
		return notify.NewSyslog(notify.SyslogConfig{Network: cmp.Or(set["network"], "udp"), Address: set["address"]})
	}
	return nil, nhi.Errorf(nhi.CodeInvalid, "type %q: want webhook, slack, email or syslog", c.Type)
}

// buildRouter resolves the alert destinations; nil when none is configured.
func buildRouter(cfg *fileConfig, db store.Store) (*monitor.Router, error) {
	if len(cfg.Alerts) == 0 {
		return nil, nil
	}
	r := &monitor.Router{OwnerEmail: func(ctx context.Context, f nhi.Finding) string {
		if f.OwnerID == "" {
			return ""
		}
		p, err := db.Person(ctx, f.Platform, f.Tenant, f.OwnerID)
		if err != nil {
			return ""
		}
		return p.Email
	}}
	for _, c := range cfg.Alerts {
		sink, err := c.build(true)
		if err != nil {
			return nil, fmt.Errorf("alert destination %s: %w", c.Name, err)
		}
		r.Routes = append(r.Routes, monitor.Route{Name: c.Name, MinSeverity: c.MinSeverity, Signals: c.Signals, Sink: sink})
	}
	return r, nil
}
