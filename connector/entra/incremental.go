package entra

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// deltaItem is an object as a delta round reports it: only its ID and whether it was
// removed are read (an updated object may carry only its changed members).
type deltaItem struct {
	ID      string   `json:"id"`
	Removed *removed `json:"@removed"`
}

// changes are the objects a delta round reported changed and removed, by ID.
type changes struct {
	changed, removed map[string]bool
}

// any reports whether the round reported anything.
func (c changes) any() bool { return len(c.changed)+len(c.removed) > 0 }

// readChanges follows the delta link rel to its end and returns what it reported and
// the next delta link.
func readChanges(ctx context.Context, g *graph, resource, rel string) (changes, string, error) {
	ch := changes{changed: map[string]bool{}, removed: map[string]bool{}}
	link, err := list(ctx, g, resource, rel, func(items []deltaItem) error {
		for _, it := range items {
			switch {
			case !validID(it.ID):
				return errBadObject
			case it.Removed != nil:
				delete(ch.changed, it.ID)
				ch.removed[it.ID] = true
			default:
				delete(ch.removed, it.ID)
				ch.changed[it.ID] = true
			}
		}
		return nil
	})
	if err == nil && link == "" {
		err = errNullPage // a delta round ends with a delta link
	}
	return ch, link, err
}

// grantChanges are the delegated grants a delta round reported: the changed grants
// themselves, and whether any was removed or reported only in part, which makes the scan
// list every grant again.
type grantChanges struct {
	changed []grant
	relist  bool
}

// readGrantChanges follows the grants' delta link rel to its end.
func readGrantChanges(ctx context.Context, g *graph, rel string) (grantChanges, string, error) {
	var ch grantChanges
	link, err := list(ctx, g, resGrants, rel, func(items []grant) error {
		for _, it := range items {
			switch {
			case it.Removed != nil || it.ClientID == "" || it.ConsentType == "" || it.Scope == nil:
				ch.relist = true
			default:
				ch.changed = append(ch.changed, it)
			}
		}
		return nil
	})
	if err == nil && link == "" {
		err = errNullPage
	}
	return ch, link, err
}

// incremental runs an incremental scan from c. It first follows the three delta links,
// reporting nothing; if Graph no longer knows one, it returns false and the caller runs a
// full scan. Then it lists the users (for their status) and the service principals (the
// index grants and app role assignments are resolved with) again, and reports:
//   - the identities of the service principals and app registrations the delta rounds
//     reported changed, completing their scopes, and completes the scopes of removed ones;
//   - the grants reported changed; when one was removed (a delta round names only its ID),
//     every grant is listed again and scopeGrants completed.
//
// Application permissions, owners and last use are not tracked by delta queries: they
// are refreshed for changed objects only, and for all by the next full scan.
func (s *scan) incremental(ctx context.Context, c cursor) (bool, error) {
	s.next.Full = c.Full
	var sps, apps changes
	var grants grantChanges
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { sps, s.next.SPs, err = readChanges(gctx, s.g, resSPs, c.SPs); return err })
	g.Go(func() (err error) { apps, s.next.Apps, err = readChanges(gctx, s.g, resApps, c.Apps); return err })
	g.Go(func() (err error) { grants, s.next.Grants, err = readGrantChanges(gctx, s.g, c.Grants); return err })
	if err := g.Wait(); err != nil {
		if isExpiredDelta(err) {
			s.c.env.Log().InfoContext(ctx, "microsoft entra: delta links expired, running a full scan", "connector", s.c.cfg.Name)
			return false, nil
		}
		return true, s.c.mapError(err, "changes")
	}
	g, gctx = errgroup.WithContext(ctx)
	g.Go(func() error { return s.listUsers(gctx) })
	g.Go(func() error { return s.loadSPs(gctx, spListPath) })
	if len(apps.changed) > 0 {
		g.Go(func() error { _, err := s.loadApps(gctx, appListPath); return err })
	}
	if sps.any() || apps.any() || len(grants.changed) > 0 || grants.relist {
		g.Go(func() error { return s.readUsage(gctx, sps.any() || apps.any()) })
	}
	if err := g.Wait(); err != nil {
		return true, err
	}
	return true, s.reportChanges(ctx, sps, apps, grants)
}

// reportChanges reports what the delta rounds reported changed (see incremental).
func (s *scan) reportChanges(ctx context.Context, sps, apps changes, grants grantChanges) error {
	var changedApps []*application
	listed := map[string]bool{}
	for _, a := range s.apps {
		listed[a.ID] = true
		if apps.changed[a.ID] {
			changedApps = append(changedApps, a)
		}
	}
	var changedSPs []*servicePrincipal
	for id := range sps.changed {
		if sp := s.sps[id]; sp != nil {
			changedSPs = append(changedSPs, sp)
		}
	}
	if err := s.completeRemoved(ctx, sps, apps, listed); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.objects(gctx, changedApps, changedSPs) })
	g.Go(func() error {
		if grants.relist {
			return s.listGrants(gctx, grantListPath)
		}
		for i := range grants.changed {
			if _, err := s.reportGrant(gctx, &grants.changed[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}

// completeRemoved completes the scopes of the service principals and app registrations
// the delta rounds reported removed (and the listings no longer show): they hold nothing.
func (s *scan) completeRemoved(ctx context.Context, sps, apps changes, listed map[string]bool) error {
	for id := range sps.removed {
		if s.sps[id] == nil {
			if err := s.rep.complete(ctx, spScope(id)); err != nil {
				return err
			}
		}
	}
	for id := range apps.removed {
		if !listed[id] {
			if err := s.rep.complete(ctx, appScope(id)); err != nil {
				return err
			}
		}
	}
	return nil
}
