package slack

import (
	"context"
	"slices"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/nhiscope/nhi"
)

// listBots reports the bots of installed apps that bots.info says are not deleted,
// created when their app was installed, with their last action from the audit log.
// bots.info goes through slack-go.
func (s *scan) listBots(ctx context.Context) error {
	api := s.c.api(s.progress())
	for _, uid := range s.order {
		m := s.users[uid]
		if !m.isBot || m.botID == "" {
			continue
		}
		q := slackgo.GetBotInfoParameters{Bot: m.botID}
		if s.c.grid() {
			q.TeamID = m.team
		}
		b, err := api.GetBotInfoContext(ctx, q)
		if err != nil {
			return sdkError(err, "bots.info")
		}
		if b.Deleted || !s.apps[b.AppID] {
			continue
		}
		id := nhi.Identity{Kind: nhi.KindBot, ExternalID: b.ID, Name: clean(b.Name), AppID: b.AppID, Scope: scopeBots,
			CreatedAt: s.installs[b.AppID].at, LastUsedAt: m.lastActivity,
			Attributes: map[string]string{"user_id": uid, "team": m.team}}
		if id.Name == "" {
			id.Name = b.ID
		}
		if err := s.identity(ctx, id); err != nil {
			return err
		}
	}
	return s.complete(ctx, scopeBots)
}

// reportHooks reports the live incoming webhooks of each workspace whose log was read.
// Slack never shows a hook's URL, which is a secret; the connector keeps the channel.
func (s *scan) reportHooks(ctx context.Context) error {
	for _, team := range s.teams {
		for _, h := range s.hooks[team] {
			id := strings.TrimPrefix(h.id, "svc:")
			err := s.identity(ctx, nhi.Identity{Kind: nhi.KindWebhook, ExternalID: id, Name: "Incoming webhook to " + clean(h.channel),
				OwnerID: h.user, Scope: webhookScope(team), Permissions: []nhi.Permission{{Scope: "incoming-webhook"}},
				CreatedAt: h.at, Attributes: map[string]string{"channel": clean(h.channel), "team": team, "direction": "incoming",
					"last_used": "unknown"}}) // Slack shows no use of an incoming webhook
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// identity completes and reports one identity.
func (s *scan) identity(ctx context.Context, id nhi.Identity) error {
	id.Platform, id.Tenant = nhi.PlatformSlack, s.c.cfg.tenant()
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	if err := s.r.Identity(ctx, id); err != nil {
		return &reporterError{err}
	}
	return nil
}

// complete marks scope complete.
func (s *scan) complete(ctx context.Context, scope string) error {
	if err := s.r.ScopeComplete(ctx, scope); err != nil {
		return &reporterError{err}
	}
	return nil
}

// setList sets attrs[key] to the sorted, comma-joined values, if any.
func setList(attrs map[string]string, key string, values []string) {
	if len(values) > 0 {
		values = slices.Clone(values)
		slices.Sort(values)
		attrs[key] = strings.Join(values, ",")
	}
}

// legacyScope reports whether scope belongs to Slack's classic apps: the umbrella scopes
// of classic bots and clients and the colon-suffixed chat scopes.
func legacyScope(scope string) bool {
	switch scope {
	case "admin", "client", "bot", "read", "post", "identify", "chat:write:user", "chat:write:bot":
		return true
	}
	return false
}
