package okta

import (
	"context"
	"net/url"
	"time"
)

// tokenGrantEvent is the System Log event of an access token issued to a client: the
// only record of a service app's use that Okta keeps.
const tokenGrantEvent = "app.oauth2.token.grant.access_token"

// useWindow is how far back the System Log is read for service apps' last use: Okta keeps
// 90 days of it.
const useWindow = 90 * 24 * time.Hour

// maxUsePages bounds the System Log pages one scan reads for service apps' last use.
const maxUsePages = 1000

// serviceUse returns, per app ID, the time of the latest access token issued to the app
// in the System Log's last 90 days, and whether the log could be read in full. An app
// absent from the map was not used in that window.
func (s *scan) serviceUse(ctx context.Context, now time.Time) (map[string]time.Time, bool) {
	out := map[string]time.Time{}
	q := url.Values{"since": {now.Add(-useWindow).UTC().Format(logTime)}, "sortOrder": {"ASCENDING"}, "limit": {"1000"},
		"filter": {`eventType eq "` + tokenGrantEvent + `"`}}
	rel := "/api/v1/logs?" + q.Encode()
	for range maxUsePages {
		var page []logEvent
		h, err := s.api.send(ctx, "GET", rel, &page)
		if err != nil {
			s.c.env.Log().WarnContext(ctx, "okta: service apps' last use unknown: the System Log could not be read",
				"connector", s.c.cfg.Name, "error", s.c.mapError(err, "the System Log").Error())
			return out, false
		}
		for _, e := range page {
			if e.EventType != tokenGrantEvent || e.Published.After(now) {
				continue
			}
			for _, t := range e.Target {
				if t.Type == "AppInstance" && e.Published.After(out[t.ID]) {
					out[t.ID] = e.Published.UTC()
				}
			}
		}
		if len(page) == 0 {
			return out, true
		}
		if rel, err = s.api.next(h); err != nil || rel == "" {
			return out, err == nil
		}
	}
	return out, false
}
