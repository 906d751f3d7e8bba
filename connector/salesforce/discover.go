package salesforce

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// minScanRequests is the fewest requests a scan of a small org makes; a scan does not
// start with fewer left above the reserve.
const minScanRequests = 10

// scan is the state of one Discover call: what each read gave, or its error.
type scan struct {
	c   *Connector
	r   *rest
	rep *syncReporter
	org string

	users            []userRecord
	frozen           map[string]bool
	perms            map[string]*sysPerms
	apps             []appRecord
	menu             map[string]string
	tokens           []tokenRecord
	listed           []listedApp
	meta             *metadataReads
	usersErr, orgErr error
	tokensErr        error
	listErr          error
}

// Discover enumerates the org into r; see connector.Connector. Salesforce has no delta
// API for what discovery reads, so every scan is a full one: it reads the API limits
// (and stops when the daily allocation is down to the reserve), the users, frozen user
// logins, permission set assignments, connected apps, their app menu items, every OAuth
// token, and the connected apps' OAuth configuration and policies through the Metadata
// API. A cursor given is checked and otherwise only replaced by the new one.
func (c *Connector) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	if since != "" {
		if _, err := parseScanCursor(since); err != nil {
			return "", err
		}
	}
	start := time.Now()
	rep := newSyncReporter(r)
	s := &scan{c: c, r: c.newRest(rep.progress, true), rep: rep}
	if err := s.run(ctx); err != nil {
		return "", c.mapError(err, "the org")
	}
	apps, failures := rep.counts()
	c.env.Log().DebugContext(ctx, "salesforce scan done", "connector", c.cfg.Name, "org", s.org, "users", len(s.users),
		"apps", apps, "tokens", len(s.tokens), "failures", failures, "took", time.Since(start))
	return scanCursor(c.env.Clock()()), nil
}

// run signs in, checks the budget, reads everything and reports it.
func (s *scan) run(ctx context.Context) error {
	sess, err := s.c.currentSession(ctx, nil)
	if err != nil {
		return err
	}
	s.org = sess.orgID
	if err := s.c.checkLimits(ctx, s.r, minScanRequests); err != nil {
		return err
	}
	if err := s.read(ctx); err != nil {
		return err
	}
	return s.report(ctx)
}

// read runs the reads of a scan concurrently. A read that fails on its own is kept for
// report, which fails its scopes; an error that ends the scan is returned.
func (s *scan) read(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	keep := func(dst *error) func(error) error {
		return func(err error) error {
			if err != nil && fatal(err) {
				return err
			}
			*dst = err
			return nil
		}
	}
	g.Go(func() error { return keep(&s.usersErr)(s.readPeople(gctx)) })
	g.Go(func() error { return keep(&s.orgErr)(s.readApps(gctx)) })
	g.Go(func() error {
		return keep(&s.tokensErr)(query(gctx, s.r, resTokens, soqlTokens, func(rs []tokenRecord) error {
			s.tokens = append(s.tokens, rs...)
			return nil
		}))
	})
	g.Go(func() error {
		listed, err := s.r.listApps(gctx)
		if err == nil {
			s.listed = listed
			s.meta, err = s.c.readMetadata(gctx, s.r, listed)
		}
		return keep(&s.listErr)(err)
	})
	return g.Wait()
}

// readPeople reads users, frozen logins and permission set assignments, one after another.
func (s *scan) readPeople(ctx context.Context) error {
	err := query(ctx, s.r, resUsers, soqlUsers, func(rs []userRecord) error {
		s.users = append(s.users, rs...)
		return nil
	})
	if err != nil {
		return err
	}
	s.frozen = map[string]bool{}
	err = query(ctx, s.r, resLogins, soqlFrozen, func(rs []userLoginRecord) error {
		for _, l := range rs {
			s.frozen[l.UserID] = s.frozen[l.UserID] || l.IsFrozen
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.perms = map[string]*sysPerms{}
	return query(ctx, s.r, resAssignments, soqlAssignments, func(rs []assignmentRecord) error {
		for i := range rs {
			p := s.perms[rs[i].AssigneeID]
			if p == nil {
				p = &sysPerms{}
				s.perms[rs[i].AssigneeID] = p
			}
			p.add(&rs[i])
		}
		return nil
	})
}

// readApps reads the connected apps and their app menu items.
func (s *scan) readApps(ctx context.Context) error {
	err := query(ctx, s.r, resApps, soqlApps, func(rs []appRecord) error {
		s.apps = append(s.apps, rs...)
		return nil
	})
	if err != nil {
		return err
	}
	s.menu = map[string]string{}
	return query(ctx, s.r, resMenuItems, soqlMenuItems, func(rs []menuItemRecord) error {
		for _, m := range rs {
			s.menu[m.ID] = m.ApplicationID
		}
		return nil
	})
}

// failed reports a failure confined to scope.
func (s *scan) failed(ctx context.Context, err error, scope, what string) {
	s.rep.fail(ctx, connector.Failure{Scope: scope, Resource: what, Err: s.c.mapError(err, what)})
}
