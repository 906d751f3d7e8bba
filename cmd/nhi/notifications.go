package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/notify"
)

// notificationConfig is one entry of the notifications list: where owner notices go.
type notificationConfig struct {
	Name, Type string
	Line       int
	// URL is the webhook's address (type webhook).
	URL string
	// URLRef is the Slack incoming-webhook URL, a secret reference (type slack): the URL
	// alone lets anyone post to the channel.
	URLRef connector.SecretRef
	// Secret is the webhook's signing secret, a secret reference (type webhook).
	Secret connector.SecretRef
}

// parseNotifications decodes the notifications list, recording every problem.
func parseNotifications(n *yaml.Node, probs *problems) []notificationConfig {
	if n.Kind != yaml.SequenceNode {
		probs.add(n.Line, "notifications", "want a list of notification channels")
		return nil
	}
	var out []notificationConfig
	for i, item := range n.Content {
		path := fmt.Sprintf("notifications[%d]", i)
		if item.Kind != yaml.MappingNode {
			probs.add(item.Line, path, "want a mapping with name, type and url")
			continue
		}
		c := notificationConfig{Line: item.Line}
		dups := duplicateKeys(path+".", probs)
		settings, lines := map[string]string{}, map[string]int{}
		for k, v := range pairs(item) {
			if dups(k) {
				continue
			}
			settings[k.Value], lines[k.Value] = scalar(v, path+"."+k.Value, probs), k.Line
			if !strings.Contains(" name type url secret ", " "+k.Value+" ") {
				probs.add(k.Line, path+"."+k.Value, "unknown key (known: name, type, url, secret)")
			}
		}
		c.Name, c.Type = settings["name"], settings["type"]
		if !connectorName.MatchString(c.Name) {
			probs.add(item.Line, path+".name", "%q: use lowercase letters, digits, - and _", c.Name)
		}
		checkNotification(&c, settings, lines, path, probs)
		out = append(out, c)
	}
	return out
}

func checkNotification(c *notificationConfig, settings map[string]string, lines map[string]int, path string, probs *problems) {
	line := func(key string) int { return cmp.Or(lines[key], c.Line) }
	ref := func(key string) connector.SecretRef {
		r := connector.SecretRef(settings[key])
		if err := r.Validate(); err != nil {
			probs.add(line(key), path+"."+key, "%s", nhi.ErrorMessage(err))
		}
		return r
	}
	switch c.Type {
	case "webhook":
		c.URL, c.Secret = settings["url"], ref("secret")
		if _, err := notify.NewWebhook(notify.WebhookConfig{URL: c.URL, Secret: []byte("0123456789abcdef-placeholder")}); err != nil {
			probs.add(line("url"), path+".url", "%s", nhi.ErrorMessage(err))
		}
	case "slack":
		c.URLRef = ref("url")
		if settings["secret"] != "" {
			probs.add(line("secret"), path+".secret", "a Slack incoming webhook has no signing secret; its url is the secret (env:NAME or file:PATH)")
		}
	default:
		probs.add(line("type"), path+".type", "%q: want webhook or slack", c.Type)
	}
}

// ownerNotifier sends owner notices to every configured channel.
type ownerNotifier struct {
	channels []notify.Notifier
	names    []string
}

// buildNotifier resolves the channels' secrets and builds them; nil when none is set.
func buildNotifier(cfg *fileConfig) (*ownerNotifier, error) {
	if cfg == nil || len(cfg.Notifications) == 0 {
		return nil, nil
	}
	n := &ownerNotifier{}
	for _, c := range cfg.Notifications {
		var ch notify.Notifier
		var err error
		switch c.Type {
		case "webhook":
			var secret []byte
			if secret, err = c.Secret.Resolve(); err == nil {
				ch, err = notify.NewWebhook(notify.WebhookConfig{URL: c.URL, Secret: secret})
			}
		case "slack":
			var url []byte
			if url, err = c.URLRef.Resolve(); err == nil {
				ch, err = notify.NewSlack(notify.SlackConfig{URL: strings.TrimSpace(string(url))})
			}
		}
		if err != nil {
			return nil, fmt.Errorf("notification channel %s: %w", c.Name, err)
		}
		n.channels, n.names = append(n.channels, ch), append(n.names, c.Name)
	}
	return n, nil
}

// NotifyOwner implements remediate.Notifier: it sends the notice to every channel and
// fails when any channel failed.
func (n *ownerNotifier) NotifyOwner(ctx context.Context, p nhi.Plan, a nhi.Action, owner nhi.Person) error {
	m := notify.FromAction(p, a)
	m.OwnerEmail = owner.Email
	if a.Kind == nhi.KindOAuthGrant {
		m.AppName = a.Name
	}
	m.JustifyCommand = "nhi plan show " + p.ID
	var errs []error
	for i, ch := range n.channels {
		if err := ch.Notify(ctx, m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n.names[i], err))
		}
	}
	return errors.Join(errs...)
}

// parsePolicyPaths decodes the policies list: files or directories of policy files.
func parsePolicyPaths(n *yaml.Node, probs *problems) []string {
	if n.Kind != yaml.SequenceNode {
		probs.add(n.Line, "policies", "want a list of policy files or directories")
		return nil
	}
	var out []string
	for i, item := range n.Content {
		if s := scalar(item, fmt.Sprintf("policies[%d]", i), probs); s != "" {
			out = append(out, s)
		}
	}
	return out
}
