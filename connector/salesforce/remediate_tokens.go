package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// maxSweeps bounds the re-queries of revoke_app_grants for tokens issued meanwhile.
const maxSweeps = 3

// liveToken is a token row as remediation reads it: its identity and, only for the
// duration of the call that revokes it, its revocation handle.
type liveToken struct {
	userID, menuItemID string
	created            time.Time
	deleteToken        string
}

// key identifies a token row.
func (t liveToken) key() string { return tokenExternalID(t.userID, t.menuItemID, t.created) }

// tokensOf reads the token rows matching where, with their DeleteToken when withHandle.
func (c *Connector) tokensOf(ctx context.Context, r *rest, where string, withHandle bool) ([]liveToken, error) {
	soql := "SELECT UserId, AppMenuItemId, CreatedDate FROM OauthToken WHERE " + where
	if withHandle {
		soql = "SELECT UserId, AppMenuItemId, CreatedDate, DeleteToken FROM OauthToken WHERE " + where
	}
	var out []liveToken
	err := query(ctx, r, resTokens, soql, func(rs []tokenRecord) error {
		for _, t := range rs {
			out = append(out, liveToken{userID: t.UserID, menuItemID: t.AppMenuItemID, created: parseTime(t.CreatedDate),
				deleteToken: t.DeleteToken})
		}
		return nil
	})
	return out, err
}

// grantRows reads the rows of one token's user and app menu item that have its
// CreatedDate (to the millisecond).
func (c *Connector) grantRows(ctx context.Context, r *rest, a nhi.Action, withHandle bool) ([]liveToken, error) {
	user, item, created, _ := parseTokenExternalID(a.ExternalID)
	rows, err := c.tokensOf(ctx, r, "UserId = "+soqlString(user)+" AND AppMenuItemId = "+soqlString(item), withHandle)
	rows = slices.DeleteFunc(rows, func(t liveToken) bool { return !t.created.Equal(created) })
	return rows, err
}

// revokeGrant revokes one OAuth token: it reads the row's DeleteToken and posts it to the
// revoke endpoint.
func (c *Connector) revokeGrant(ctx context.Context, r *rest, a nhi.Action) (connector.Outcome, error) {
	rows, err := c.grantRows(ctx, r, a, true)
	if err != nil {
		return connector.Outcome{}, err
	}
	if len(rows) == 0 {
		return connector.Outcome{Call: callTokens, AlreadyDone: true}, nil
	}
	out := connector.Outcome{Call: callRevoke}
	for _, t := range rows {
		gone, err := c.revoke(ctx, r, t.deleteToken)
		if err != nil {
			return out, err
		}
		if !gone {
			out.Changed++
		}
	}
	out.AlreadyDone = out.Changed == 0
	return out, nil
}

// revoke posts one DeleteToken to the revoke endpoint. gone is true when Salesforce says
// the token is no longer valid (revoked meanwhile). The handle is neither kept nor logged.
func (c *Connector) revoke(ctx context.Context, r *rest, deleteToken string) (gone bool, err error) {
	if deleteToken == "" {
		return false, &apiError{Status: http.StatusForbidden, Code: codeInsufficient,
			Message: "OauthToken.DeleteToken is not readable (Customize Application missing?)"}
	}
	form := []byte(url.Values{"token": {deleteToken}}.Encode())
	resp, err := r.do(ctx, call{method: http.MethodPost, path: "/services/oauth2/revoke", resource: resTokens, change: true,
		body: func(*session) []byte { return form }, contentType: "application/x-www-form-urlencoded"})
	if err != nil {
		if ae := asAPI(err); ae != nil && ae.Status == http.StatusBadRequest && ae.Code == "invalid_token" {
			return true, nil
		}
		return false, err
	}
	resp.Body.Close()
	return false, nil
}

// verifyGrant re-reads one token's rows.
func (c *Connector) verifyGrant(ctx context.Context, r *rest, a nhi.Action) (connector.Verification, error) {
	rows, err := c.grantRows(ctx, r, a, false)
	if err != nil {
		return connector.Verification{}, err
	}
	user, item, created, _ := parseTokenExternalID(a.ExternalID)
	return connector.Verification{Gone: len(rows) == 0, Remaining: len(rows), Detail: fmt.Sprintf(
		"OauthToken rows of user %s and app menu item %s created %s: %d", user, item,
		created.Format(time.RFC3339Nano), len(rows))}, nil
}

// menuItemsOf returns the app menu items of a connected app.
func (c *Connector) menuItemsOf(ctx context.Context, r *rest, appID string) ([]string, error) {
	var out []string
	err := query(ctx, r, resMenuItems, "SELECT Id FROM AppMenuItem WHERE ApplicationId = "+soqlString(appID),
		func(rs []menuItemRecord) error {
			for _, m := range rs {
				if validSFID(m.ID, "") {
					out = append(out, m.ID)
				}
			}
			return nil
		})
	return out, err
}

// appTokens reads the tokens of an app's menu items, leaving out nhi's own user's.
func (c *Connector) appTokens(ctx context.Context, r *rest, items []string, withHandle bool) ([]liveToken, error) {
	if len(items) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(items))
	for i, it := range items {
		quoted[i] = soqlString(it)
	}
	rows, err := c.tokensOf(ctx, r, "AppMenuItemId IN ("+strings.Join(quoted, ", ")+")", withHandle)
	self := c.Self()
	rows = slices.DeleteFunc(rows, func(t liveToken) bool {
		return slices.ContainsFunc(self, func(s string) bool { return sameID(s, t.userID) })
	})
	return rows, err
}

// revokeAppGrants revokes every token of a connected app, Concurrency at a time, then
// reads the app's tokens again and revokes what was issued meanwhile, up to maxSweeps
// rounds.
func (c *Connector) revokeAppGrants(ctx context.Context, r *rest, a nhi.Action) (connector.Outcome, error) {
	items, err := c.menuItemsOf(ctx, r, a.AppID)
	if err != nil {
		return connector.Outcome{}, err
	}
	out := connector.Outcome{Call: callTokens}
	done := map[string]bool{}
	for range maxSweeps {
		rows, err := c.appTokens(ctx, r, items, true)
		if err != nil {
			return out, err
		}
		// A row revoked before and read again was not removed: Verify will say so.
		rows = slices.DeleteFunc(rows, func(t liveToken) bool { return done[t.key()] })
		if len(rows) == 0 {
			out.AlreadyDone = out.Changed == 0
			return out, nil
		}
		out.Call = callRevoke
		for _, t := range rows {
			done[t.key()] = true
		}
		if err := c.revokeAll(ctx, r, rows, &out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// revokeAll revokes rows, counting them and their users into out.
func (c *Connector) revokeAll(ctx context.Context, r *rest, rows []liveToken, out *connector.Outcome) error {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for _, t := range rows {
		g.Go(func() error {
			gone, err := c.revoke(gctx, r, t.deleteToken)
			if err != nil || gone {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			out.Changed++
			if !slices.Contains(out.Touched, t.userID) {
				out.Touched = append(out.Touched, t.userID)
			}
			return nil
		})
	}
	err := g.Wait()
	slices.Sort(out.Touched)
	return err
}

// verifyApp re-reads an app's tokens.
func (c *Connector) verifyApp(ctx context.Context, r *rest, a nhi.Action) (connector.Verification, error) {
	items, err := c.menuItemsOf(ctx, r, a.AppID)
	if err != nil {
		return connector.Verification{}, err
	}
	rows, err := c.appTokens(ctx, r, items, false)
	if err != nil {
		return connector.Verification{}, err
	}
	return connector.Verification{Gone: len(rows) == 0, Remaining: len(rows), Detail: fmt.Sprintf(
		"OauthToken rows of connected app %s (%d app menu items): %d", a.AppID, len(items), len(rows))}, nil
}
