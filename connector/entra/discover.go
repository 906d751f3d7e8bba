package entra

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The listings of a scan, relative to the Graph URL. A full scan reads the collections
// that have delta queries through them: their first round lists every object and ends
// with the delta link the next scan resumes from.
const (
	usersPath      = "v1.0/users?$select=" + userSelect + "&$top=" + pageSize
	spDeltaPath    = "v1.0/servicePrincipals/delta?$select=" + spSelect
	spListPath     = "v1.0/servicePrincipals?$select=" + spSelect + "&$top=" + pageSize
	appDeltaPath   = "v1.0/applications/delta?$select=" + appSelect
	appListPath    = "v1.0/applications?$select=" + appSelect + "&$top=" + pageSize
	grantDeltaPath = "v1.0/oauth2PermissionGrants/delta"
	grantListPath  = "v1.0/oauth2PermissionGrants?$top=" + pageSize
	spUsePath      = "beta/reports/servicePrincipalSignInActivities"
	keyUsePath     = "beta/reports/appCredentialSignInActivities"
)

// scan is the state of one Discover call.
type scan struct {
	c      *Connector
	g      *graph
	token  oauth2.TokenSource
	rep    *syncReporter
	tenant string
	now    time.Time
	// sps indexes the tenant's service principals by object ID, byApp by appId; ownApps
	// holds the appIds of its app registrations, apps the registrations themselves.
	sps     map[string]*servicePrincipal
	byApp   map[string]*servicePrincipal
	apps    []*application
	ownApps map[string]bool
	// use holds the last sign-ins of the service principals (by appId) and of the
	// credentials (by key ID), as far as the reports gave them.
	use usage
	// next is the cursor the scan returns; a delta link left empty returns none.
	next       cursor
	identities atomic.Int64
}

// usage is the last use the sign-in activity reports give.
type usage struct {
	mu sync.Mutex
	// delegated and app are the last delegated and app-only sign-ins of each appId as a
	// client; keys is the last sign-in with each credential.
	delegated, app, keys map[string]time.Time
}

// newUsage returns an empty usage.
func newUsage() usage {
	return usage{delegated: map[string]time.Time{}, app: map[string]time.Time{}, keys: map[string]time.Time{}}
}

// Discover enumerates the tenant into r; see connector.Connector. A full scan (since ==
// "", or a cursor whose full scan is older than Config.FullScanInterval or whose delta
// links Graph no longer knows) lists the users, service principals, app registrations
// and delegated grants, the owners and app role assignments of each service principal
// that is not Microsoft's, the owners of each app registration with credentials, and the
// sign-in activity reports. An incremental scan lists users and service principals again
// and reads what the delta links report changed since the cursor; see incremental.
func (c *Connector) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	var from cursor
	incremental := since != ""
	if incremental {
		var err error
		if from, err = parseCursor(since); err != nil {
			return "", err
		}
		if c.env.Clock()().Sub(from.fullAt()) > c.cfg.FullScanInterval {
			incremental = false
		}
	}
	start := time.Now()
	s := c.newScan(ctx, r)
	// One token up front: rejected credentials fail once, not once per listing.
	_, err := s.token.Token()
	if err == nil && incremental {
		if incremental, err = s.incremental(ctx, from); err == nil && !incremental {
			s = s.restart()
		}
	}
	if !incremental && err == nil {
		err = s.full(ctx)
	}
	if err != nil {
		return "", c.mapError(err, "the tenant")
	}
	apps, failures := s.rep.counts()
	c.env.Log().DebugContext(ctx, "microsoft entra scan done", "connector", c.cfg.Name, "tenant", s.tenant,
		"incremental", incremental, "service_principals", len(s.sps), "apps", apps, "identities", s.identities.Load(),
		"failures", failures, "took", time.Since(start))
	if s.next.SPs == "" || s.next.Apps == "" || s.next.Grants == "" {
		return "", nil
	}
	return nhi.Cursor(s.next.String()), nil
}

// newScan returns the state of a scan reporting to r.
func (c *Connector) newScan(ctx context.Context, r connector.Reporter) *scan {
	rep := newSyncReporter(r)
	hc, src := c.client(ctx, rep.progress)
	return &scan{c: c, rep: rep, tenant: c.cfg.TenantID, now: c.env.Clock()(), token: src,
		g: &graph{hc: hc, base: c.cfg.GraphURL, progress: rep.progress}, use: newUsage()}
}

// restart returns a fresh scan over the same client and Reporter, for a full scan after
// an incremental one found its delta links expired (having reported nothing).
func (s *scan) restart() *scan {
	return &scan{c: s.c, rep: s.rep, tenant: s.tenant, now: s.now, token: s.token, g: s.g, use: newUsage()}
}

// full runs a full scan.
func (s *scan) full(ctx context.Context) error {
	s.next.Full = s.now.Unix()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.listUsers(gctx) })
	g.Go(func() error { return s.loadSPs(gctx, spDeltaPath) })
	g.Go(func() error {
		links, err := s.loadApps(gctx, appDeltaPath)
		s.next.Apps = links
		return err
	})
	g.Go(func() error { return s.readUsage(gctx, true) })
	if err := g.Wait(); err != nil {
		return err
	}
	g, gctx = errgroup.WithContext(ctx)
	g.Go(func() error { return s.listGrants(gctx, grantDeltaPath) })
	g.Go(func() error { return s.objects(gctx, s.apps, s.spList()) })
	return g.Wait()
}

// spList returns the service principals of the index.
func (s *scan) spList() []*servicePrincipal {
	out := make([]*servicePrincipal, 0, len(s.sps))
	for _, sp := range s.sps {
		out = append(out, sp)
	}
	return out
}

// objects reads and reports the identities of the given app registrations and service
// principals, Concurrency at a time.
func (s *scan) objects(ctx context.Context, apps []*application, sps []*servicePrincipal) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.c.cfg.Concurrency)
	for _, a := range apps {
		g.Go(func() error { return s.application(gctx, a) })
	}
	for _, sp := range sps {
		g.Go(func() error { return s.servicePrincipal(gctx, sp) })
	}
	return g.Wait()
}

// failed reports a failure confined to scope and returns nil, or returns err when it
// ends the scan.
func (s *scan) failed(ctx context.Context, err error, scope, resource, what string) error {
	if fatal(err) {
		return err
	}
	s.rep.fail(ctx, connector.Failure{Scope: scope, Resource: what, Err: s.c.mapError(err, resource)})
	return nil
}
