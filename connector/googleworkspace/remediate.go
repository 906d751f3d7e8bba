package googleworkspace

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The documented calls remediation makes, as Outcome.Call names them.
const (
	callUsers  = "GET /admin/directory/v1/users"
	callGet    = "GET /admin/directory/v1/users/{userKey}/tokens/{clientId}"
	callDelete = "DELETE /admin/directory/v1/users/{userKey}/tokens/{clientId}"
)

var _ connector.Remediator = (*Connector)(nil)

// remediation holds what the Remediator methods share: one Directory API client over the
// connector's pacing and retrying transport, with one token source, so that thousands of
// calls reuse one access token. It is made on first use.
type remediation struct {
	mu  sync.Mutex
	dir *admin.Service
	// tenant is the customer ID a users listing showed, when no scan had found it.
	tenant string
}

// directory returns the Directory API client of remediation, making it on first use. Its
// token source outlives ctx: later calls share it.
func (c *Connector) directory(ctx context.Context) (*admin.Service, error) {
	c.rem.mu.Lock()
	defer c.rem.mu.Unlock()
	if c.rem.dir != nil {
		return c.rem.dir, nil
	}
	tctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, c.base)
	auth := &oauth2.Transport{Source: tokenSource{src: c.source(tctx)}, Base: c.rt}
	t := &transport{base: auth, limiters: &c.limiters, policy: c.retry, progress: func(connector.Progress) {},
		now: time.Now, sleep: sleepContext}
	dir, err := admin.NewService(ctx, option.WithHTTPClient(&http.Client{Transport: t}), option.WithEndpoint(c.cfg.BaseURL))
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInternal, err, "cannot set up the Directory API client")
	}
	c.rem.dir = dir
	return dir, nil
}

// checkTenant refuses an action for a tenant other than the connector's. Before any scan
// has found the tenant, one users.list of one user tells it, once.
func (c *Connector) checkTenant(ctx context.Context, dir *admin.Service, a nhi.Action) error {
	if a.Tenant == "" {
		return nil
	}
	tenant := c.Info().Tenant
	c.rem.mu.Lock()
	defer c.rem.mu.Unlock()
	if tenant == "" && c.rem.tenant == "" {
		res, err := dir.Users.List().Customer(c.cfg.Customer).MaxResults(1).Fields("users(customerId)").Context(ctx).Do()
		if err != nil {
			return fmt.Errorf("googleworkspace: find the tenant: %w", c.mapError(err, resUsers))
		}
		if res != nil {
			c.rem.tenant = tenantOf(res.Users)
		}
		if c.rem.tenant == "" {
			return nhi.Errorf(nhi.CodeUnavailable, "googleworkspace: Google listed no user with a customer ID, so nhi "+
				"cannot tell that action for tenant %q is for this tenant", nhi.CleanText(a.Tenant))
		}
	}
	if tenant == "" {
		tenant = c.rem.tenant
	}
	if a.Tenant != tenant {
		return nhi.Errorf(nhi.CodeInvalid, "googleworkspace: action is for tenant %q, but this connector manages %s",
			nhi.CleanText(a.Tenant), tenant)
	}
	return nil
}

// prepare checks that the connector may carry out a and returns its target and the
// Directory API client.
func (c *Connector) prepare(ctx context.Context, a nhi.Action) (target, *admin.Service, error) {
	t, err := c.target(a)
	if err != nil {
		return target{}, nil, err
	}
	dir, err := c.directory(ctx)
	if err == nil {
		err = c.checkTenant(ctx, dir, a)
	}
	return t, dir, err
}

// Supports reports whether the connector can carry out actions of type t on identities of
// kind k: revoke_grant on OAuth grants (tokens.delete of one user's grant to one app) and
// revoke_app_grants (every user's grant to one app; k empty, or oauth_grant). Nothing
// else: Google has no partial scope reduction (a grant is deleted whole, so reduce_scope
// is not supported), blocking an app for the organization is console-only, and the
// executor sends owner notifications itself.
func (c *Connector) Supports(t nhi.ActionType, k nhi.Kind) bool {
	switch t {
	case nhi.ActionRevokeGrant:
		return k == nhi.KindOAuthGrant
	case nhi.ActionRevokeAppGrants:
		return k == "" || k == nhi.KindOAuthGrant
	}
	return false
}

// Self returns the OAuth client ID (and the email) of the service account the connector
// authenticates as, nhi's own domain-wide delegation client, from its key file.
func (c *Connector) Self() []string {
	var out []string
	for _, s := range []string{c.key.ClientID, c.key.Email} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// target is what an action acts on: one user's grant to an app, or, with user "", every
// user's grant to it.
type target struct{ user, client string }

// String names the target for messages.
func (t target) String() string {
	if t.user == "" {
		return "every grant to app " + t.client
	}
	return "user " + t.user + "'s grant to app " + t.client
}

// target checks that the connector may carry out a, its tenant aside, and returns its
// target. Every refusal has CodeInvalid.
func (c *Connector) target(a nhi.Action) (target, error) {
	bad := func(format string, args ...any) (target, error) {
		return target{}, nhi.Errorf(nhi.CodeInvalid, "googleworkspace: "+format, args...)
	}
	if !c.Supports(a.Type, a.Kind) {
		return bad("cannot carry out %s on %q identities: Google Workspace can only delete users' OAuth grants, "+
			"one or all of one app (it has no partial scope reduction)", nhi.CleanText(string(a.Type)), nhi.CleanText(string(a.Kind)))
	}
	if a.Platform != nhi.PlatformGoogleWorkspace {
		return bad("action is for platform %q, not %s", nhi.CleanText(string(a.Platform)), nhi.PlatformGoogleWorkspace)
	}
	t := target{client: a.AppID}
	if a.Type == nhi.ActionRevokeGrant {
		t.user = a.OwnerID
		if a.ExternalID != "" {
			user, client, _ := strings.Cut(a.ExternalID, "/")
			if (t.user != "" && t.user != user) || (t.client != "" && t.client != client) {
				return bad("external ID %q is not the grant of owner %q to app %q", nhi.CleanText(a.ExternalID),
					nhi.CleanText(a.OwnerID), nhi.CleanText(a.AppID))
			}
			t = target{user: user, client: client}
		}
		if !validID(t.user) {
			return bad("grant %q names no valid Google user ID", nhi.CleanText(a.ExternalID))
		}
	}
	if !validID(t.client) {
		return bad("action names no valid OAuth client ID (app %q)", nhi.CleanText(t.client))
	}
	if t.client == c.key.ClientID {
		return bad("app %s is nhi's own client (%s); nhi never revokes it", t.client, c.describe())
	}
	return t, nil
}

// Remediate carries out a with Google's documented call; see connector.Remediator. A
// grant is deleted with tokens.delete (a 404, the grant or the user gone, is AlreadyDone).
// An app's grants are found by listing the users and reading each one's grant to the app
// with tokens.get, Concurrency users at a time, and deleted where present; grants given
// meanwhile are caught too. Requests are paced and retried as a scan's are.
func (c *Connector) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	if c.key.ClientID == "" {
		return connector.Outcome{}, nhi.Errorf(nhi.CodeInvalid,
			"googleworkspace: the service account key has no client_id, so nhi cannot tell its own client apart; it changes nothing")
	}
	t, dir, err := c.prepare(ctx, a)
	if err != nil {
		return connector.Outcome{}, err
	}
	if t.user == "" {
		return c.revokeApp(ctx, dir, t.client)
	}
	out := connector.Outcome{Call: callDelete}
	gone, err := deleteGrant(ctx, dir, t)
	if err != nil {
		return out, fmt.Errorf("googleworkspace: revoke %s: %w", t, c.mapError(err, resTokens))
	}
	if out.AlreadyDone = gone; !gone {
		out.Changed = 1
	}
	c.env.Log().DebugContext(ctx, "google workspace grant revoked", "connector", c.cfg.Name, "user", t.user,
		"client_id", t.client, "already_done", gone)
	return out, nil
}

// Verify re-reads the platform with tokens.get and reports whether the access a removed
// is gone; for an app, it reads every user's grant to it again and counts those left. It
// sends only GET requests.
func (c *Connector) Verify(ctx context.Context, a nhi.Action) (connector.Verification, error) {
	t, dir, err := c.prepare(ctx, a)
	if err != nil {
		return connector.Verification{}, err
	}
	if t.user == "" {
		return c.verifyApp(ctx, dir, t.client)
	}
	held, err := holds(ctx, dir, t)
	switch {
	case err != nil:
		return connector.Verification{}, fmt.Errorf("googleworkspace: verify %s: %w", t, c.mapError(err, resTokens))
	case held:
		return connector.Verification{Remaining: 1,
			Detail: fmt.Sprintf("tokens.get shows user %s still holds a grant to %s", t.user, t.client)}, nil
	}
	return connector.Verification{Gone: true,
		Detail: fmt.Sprintf("tokens.get answers 404: user %s holds no grant to %s", t.user, t.client)}, nil
}

// holds reads t's grant with tokens.get and reports whether it exists. Errors are the
// client's, unmapped.
func holds(ctx context.Context, dir *admin.Service, t target) (bool, error) {
	_, err := dir.Tokens.Get(t.user, t.client).Fields("clientId").Context(ctx).Do()
	if notFound(err) {
		return false, nil
	}
	return err == nil, err
}

// deleteGrant deletes t's grant with tokens.delete; gone says it was not there. Errors are
// the client's, unmapped.
func deleteGrant(ctx context.Context, dir *admin.Service, t target) (gone bool, err error) {
	err = dir.Tokens.Delete(t.user, t.client).Context(ctx).Do()
	if notFound(err) {
		return true, nil
	}
	return false, err
}

// notFound reports whether err is Google's 404 (no such grant, or no such user) in its
// JSON error envelope with reason notFound. Any other 404, a proxy's or one from a wrong
// base URL, is an error: taking it for "gone" would verify revocations that never ran.
func notFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusNotFound && reasonOf(ge) == "notFound"
}
