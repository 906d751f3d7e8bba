package googleworkspace

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// sweep is one pass over every user's grant to one app: it deletes them (revoke) or
// counts them. Google has no call listing an app's grants, so the pass lists the users and
// reads each one's grant with tokens.get, Concurrency users at a time.
type sweep struct {
	c      *Connector
	dir    *admin.Service
	client string
	revoke bool
	// users counts the users read; held the grants found (and, when revoking, deleted or
	// attempted); revoked the grants deleted.
	users, held, revoked atomic.Int64
	denied               denials

	mu       sync.Mutex
	failures int
	first    error
	// changed lists the users whose grant was deleted, for the audit trail.
	changed []string
}

// run lists the users and reads (and, when revoking, deletes) each one's grant to the
// app. It returns an error when the pass could not go on; failures confined to one user
// are counted (see err).
func (sw *sweep) run(ctx context.Context) error {
	users, complete, err := sw.c.listUserIDs(ctx, sw.dir)
	if err != nil {
		return err
	}
	if !complete {
		sw.fail(nhi.Errorf(nhi.CodeUnavailable, "Google listed a user without a valid ID, whose grants cannot be read"))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(sw.c.cfg.Concurrency)
	for _, u := range users {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return sw.user(gctx, u) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return sw.c.mapError(ctx.Err(), resTokens)
}

// user reads one user's grant to the app and, when revoking, deletes it. An error that
// ends the pass (credentials, scopes, cancellation, the same refusal for many users in a
// row) is returned; others are counted.
func (sw *sweep) user(ctx context.Context, userID string) error {
	t := target{user: userID, client: sw.client}
	held, err := holds(ctx, sw.dir, t)
	if err == nil && held {
		sw.held.Add(1)
		if sw.revoke {
			var gone bool
			if gone, err = deleteGrant(ctx, sw.dir, t); err == nil && !gone {
				sw.revoked.Add(1)
				sw.mu.Lock()
				sw.changed = append(sw.changed, userID)
				sw.mu.Unlock()
			}
		}
	}
	if err == nil {
		sw.users.Add(1)
		sw.denied.ok()
		return nil
	}
	switch {
	case fatal(err):
		return sw.c.mapError(err, resTokens)
	case sw.denied.failed(err):
		return sw.c.tenantDenied(err)
	}
	sw.fail(fmt.Errorf("user %s: %w", userID, sw.c.mapError(err, resTokens)))
	return nil
}

// fail counts a failure confined to one user and keeps the first.
func (sw *sweep) fail(err error) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	sw.failures++
	if sw.first == nil {
		sw.first = err
	}
}

// err returns an error summing up the failures confined to single users, with the code
// of the first, or nil when there were none.
func (sw *sweep) err() error {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if sw.failures == 0 {
		return nil
	}
	what := "read"
	if sw.revoke {
		what = "read or revoke"
	}
	return nhi.WrapError(nhi.ErrorCode(sw.first), sw.first, fmt.Sprintf(
		"could not %s the grants to %s of %d users; running the action again retries them (first failure: %s)",
		what, sw.client, sw.failures, nhi.ErrorMessage(sw.first)))
}

// revokeApp deletes every user's grant to client.
func (c *Connector) revokeApp(ctx context.Context, dir *admin.Service, client string) (connector.Outcome, error) {
	sw := &sweep{c: c, dir: dir, client: client, revoke: true}
	err := sw.run(ctx)
	sw.mu.Lock()
	touched := slices.Clone(sw.changed)
	sw.mu.Unlock()
	slices.Sort(touched)
	out := connector.Outcome{Call: callUsers + "; " + callGet + "; " + callDelete, Changed: int(sw.revoked.Load()), Touched: touched}
	if err == nil {
		err = sw.err()
	}
	c.env.Log().InfoContext(ctx, "google workspace app grants revoked", "connector", c.cfg.Name, "client_id", client,
		"users", sw.users.Load(), "revoked", out.Changed, "failed", nhi.ErrorCode(err))
	if err != nil {
		return out, fmt.Errorf("googleworkspace: revoke grants of %s: %w", client, err)
	}
	out.AlreadyDone = out.Changed == 0
	return out, nil
}

// verifyApp reads every user's grant to client and counts those left.
func (c *Connector) verifyApp(ctx context.Context, dir *admin.Service, client string) (connector.Verification, error) {
	sw := &sweep{c: c, dir: dir, client: client}
	err := sw.run(ctx)
	if err == nil {
		err = sw.err()
	}
	if err != nil {
		return connector.Verification{}, fmt.Errorf("googleworkspace: verify grants of %s: %w", client, err)
	}
	held := int(sw.held.Load())
	return connector.Verification{Gone: held == 0, Remaining: held,
		Detail: fmt.Sprintf("tokens.get for each of %d users: %d still hold a grant to %s", sw.users.Load(), held, client)}, nil
}

// listUserIDs lists the tenant's users with the scan's users listing and returns their
// IDs and whether every user listed had a valid ID.
func (c *Connector) listUserIDs(ctx context.Context, dir *admin.Service) (ids []string, complete bool, err error) {
	r := &peopleListing{}
	s := &scan{c: c, dir: dir, rep: newSyncReporter(r)}
	if err := s.listUsers(ctx); err != nil {
		return nil, false, err
	}
	return s.users, r.complete, nil
}

// peopleListing is the Reporter of a users listing outside a scan: it keeps only whether
// the listing completed ScopePeople. The scan's syncReporter serializes its calls.
type peopleListing struct{ complete bool }

// Person discards p.
func (r *peopleListing) Person(context.Context, nhi.Person) error { return nil }

// App discards a.
func (r *peopleListing) App(context.Context, nhi.App) error { return nil }

// Identity discards id.
func (r *peopleListing) Identity(context.Context, nhi.Identity) error { return nil }

// ScopeComplete notes that the listing completed ScopePeople.
func (r *peopleListing) ScopeComplete(_ context.Context, scope string) error {
	r.complete = r.complete || scope == connector.ScopePeople
	return nil
}

// Fail discards f: an unusable user leaves ScopePeople incomplete, which is noted.
func (r *peopleListing) Fail(context.Context, connector.Failure) {}

// Progress discards p.
func (r *peopleListing) Progress(connector.Progress) {}
