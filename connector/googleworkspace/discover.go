package googleworkspace

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The members of each answer the connector reads, asked for with Google's fields parameter
// (partial responses): Google sends, and the connector decodes, nothing else.
const (
	activityFields = "nextPageToken,items(id(time,uniqueQualifier),actor/profileId,ipAddress," +
		"events(name,parameters(name,value)))"
	userFields googleapi.Field = "nextPageToken,users(id,primaryEmail,name(givenName,familyName,fullName)," +
		"isAdmin,isDelegatedAdmin,lastLoginTime,creationTime,suspended,archived,orgUnitPath,customerId)"
	tokenFields = "items(clientId,displayText,anonymous,nativeApp,scopes)"
)

// Page sizes asked for: the most each API serves.
const (
	usersPageSize      = 500
	activitiesPageSize = 1000
	// maxPages bounds one listing, against a server that pages forever.
	maxPages = 1 << 20
)

// Errors of malformed listings.
var (
	errPageLoop = errors.New("page tokens repeat")
	errNullPage = errors.New("page is null")
)

// scan is the state of one Discover call.
type scan struct {
	c     *Connector
	dir   *admin.Service
	hc    *http.Client
	strs  interner
	lists sync.Pool // of *tokenList, reused from user to user
	rep   *syncReporter
	audit *auditLog
	// denied counts the tokens listings refused in a row.
	denied denials
	// tenant is the customer ID the users listing gave; users the IDs it listed.
	tenant string
	users  []string
	// auditErr is the error, mapped, that reading the audit log failed with and the scan
	// went on despite (see readAudit).
	auditErr error
	// identities and failures count what was reported, and auditTook is how long reading
	// the audit log took, for the log.
	identities, failures atomic.Int64
	auditTook            time.Duration
	// shard and of select the users whose tokens this part of a split full scan lists
	// (of is 0 for a whole scan); only part 0 reports people.
	shard, of int
}

// Discover enumerates the tenant's OAuth grants into r; see connector.Connector. A full
// scan (since == "") reads the token audit log of the last 180 days, lists every user and
// lists the tokens of each. An incremental scan reads the audit log since the cursor, less
// auditOverlap (Google publishes audit events late), lists the users again (for their
// status) and lists the tokens of the users with token events in that time. The audit log
// is read in parallel time slices (see auditReader). The returned cursor marks the newest
// audit event seen.
func (c *Connector) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	return c.discover(ctx, since, 0, 0, r)
}

// DiscoverShard runs part shard of a full scan split into of parts; see
// connector.Sharder. Every part reads the token audit log (a few hundred pages at most
// for the last use of its users' tokens, against one tokens call per user) and lists the
// users; it lists the tokens of its share of them, and part 0 reports the users as people.
func (c *Connector) DiscoverShard(ctx context.Context, shard, of int, r connector.Reporter) (nhi.Cursor, error) {
	if of < 1 || shard < 0 || shard >= of {
		return "", nhi.Errorf(nhi.CodeInvalid, "google workspace: part %d of %d does not exist", shard, of)
	}
	return c.discover(ctx, "", shard, of, r)
}

// discover is Discover, or one part of a split full scan when of > 0.
func (c *Connector) discover(ctx context.Context, since nhi.Cursor, shard, of int, r connector.Reporter) (nhi.Cursor, error) {
	var from cursor
	incremental := since != ""
	if incremental {
		var err error
		if from, err = parseCursor(since); err != nil {
			return "", err
		}
	}
	rep := newSyncReporter(r)
	dir, hc, err := c.services(ctx, rep)
	if err != nil {
		return "", err
	}
	s := &scan{c: c, dir: dir, hc: hc, rep: rep, audit: newAuditLog(from, incremental), shard: shard, of: of}
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.readAudit(gctx) })
	g.Go(func() error { return s.listUsers(gctx) })
	if err := g.Wait(); err != nil {
		return "", err
	}
	s.auditFailed(ctx)
	if err := s.listTokens(ctx, s.targets()); err != nil {
		return "", err
	}
	c.setTenant(s.tenant)
	if s.audit.addrsDropped > 0 {
		c.env.Log().WarnContext(ctx, "google workspace: more distinct last-use addresses than kept; some grants have no last_used_ip",
			"connector", c.cfg.Name, "kept", maxAddrs, "dropped", s.audit.addrsDropped)
	}
	c.env.Log().DebugContext(ctx, "google workspace scan done", "connector", c.cfg.Name, "tenant", s.tenant,
		"incremental", incremental, "users", len(s.users), "identities", s.identities.Load(),
		"audit_events", s.audit.events, "audit_took", s.auditTook, "failures", s.failures.Load(),
		"took", time.Since(start))
	return s.cursor(since), nil
}

// listUsers lists the users, reports them as people and completes ScopePeople when every
// user was usable.
func (s *scan) listUsers(ctx context.Context) error {
	call := s.dir.Users.List().Customer(s.c.cfg.Customer).MaxResults(usersPageSize).ShowDeleted("false").
		Projection("basic").ViewType("admin_view").OrderBy("email").Fields(userFields)
	complete := true
	seen := map[string]bool{}
	err := pages(func(token string) (string, error) {
		res, err := call.PageToken(token).Context(ctx).Do()
		if err == nil && res == nil {
			err = errNullPage
		}
		if err != nil {
			return "", s.c.mapError(err, resUsers)
		}
		s.rep.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resUsers})
		ok, err := s.usersPage(ctx, res.Users, seen)
		complete = complete && ok
		return res.NextPageToken, err
	})
	if errors.Is(err, errPageLoop) {
		err = s.c.mapError(err, resUsers)
	}
	if err != nil || !complete || s.shard != 0 {
		return err
	}
	return s.rep.complete(ctx, connector.ScopePeople)
}

// usersPage reports one page of users as people and notes their IDs in s.users. The
// first page sets the tenant. ok is false if a user was unusable.
func (s *scan) usersPage(ctx context.Context, users []*admin.User, seen map[string]bool) (ok bool, err error) {
	if s.tenant == "" {
		if s.tenant = tenantOf(users); s.tenant == "" {
			s.tenant = s.c.cfg.Customer
		}
	}
	ok = true
	for _, u := range users {
		p, valid := person(s.tenant, u)
		if !valid {
			ok = false
			if s.shard == 0 { // the part that reports people reports what is wrong with them
				s.failures.Add(1)
				s.rep.fail(ctx, connector.Failure{Scope: connector.ScopePeople, Resource: "a user without a valid ID",
					Err: nhi.Errorf(nhi.CodeInvalid, "Google listed a user without a valid ID")})
			}
			continue
		}
		if s.shard == 0 {
			if err := s.rep.person(ctx, p); err != nil {
				return ok, err
			}
		}
		if !seen[p.ExternalID] {
			seen[p.ExternalID] = true
			s.users = append(s.users, p.ExternalID)
		}
	}
	return ok, nil
}

// targets returns the users whose tokens the scan lists: all of them in a full scan, those
// with token events since the cursor in an incremental one that could read the audit log.
func (s *scan) targets() []string {
	if s.of > 1 {
		var out []string
		for _, u := range s.users {
			if connector.ShardOf(u, s.of) == s.shard {
				out = append(out, u)
			}
		}
		return out
	}
	if !s.audit.incremental || s.auditErr != nil {
		return s.users
	}
	var out []string
	for _, u := range s.users {
		if _, ok := s.audit.changed[u]; ok {
			out = append(out, u)
		}
	}
	return out
}

// listTokens lists the tokens of users, Concurrency users at a time.
func (s *scan) listTokens(ctx context.Context, users []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.c.cfg.Concurrency)
	for _, u := range users {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return s.userTokens(gctx, u) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return s.c.mapError(ctx.Err(), resTokens)
}

// userTokens lists one user's tokens and reports them, then completes the user's scope.
// A failure confined to the user is reported with Fail and leaves the scope incomplete.
func (s *scan) userTokens(ctx context.Context, userID string) error {
	l, _ := s.lists.Get().(*tokenList)
	if l == nil {
		l = &tokenList{}
	}
	defer s.lists.Put(l)
	err := s.fetchTokens(ctx, userID, l)
	if err == nil && l.null {
		err = errNullPage
	}
	if err != nil {
		mapped := s.c.mapError(err, resTokens)
		if fatal(err) {
			return mapped
		}
		if s.denied.failed(err) {
			return s.c.tenantDenied(err)
		}
		s.failures.Add(1)
		s.rep.fail(ctx, connector.Failure{Scope: connector.PersonScope(userID), Resource: "tokens of user " + userID, Err: mapped})
		return nil
	}
	s.denied.ok()
	s.rep.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resTokens})
	complete, scope := true, connector.PersonScope(userID)
	for i := range l.items {
		t := &l.items[i]
		g := grant{tenant: s.tenant, userID: userID, scope: scope, token: t}
		if !t.null {
			g.times, g.usedFrom = s.audit.times(userID, t.clientID)
			g.clientType = s.audit.clientTypes[t.clientID]
		}
		id, ok := g.identity()
		if !ok {
			complete = false
			s.failures.Add(1)
			s.rep.fail(ctx, connector.Failure{Scope: scope, Resource: "a token of user " + userID,
				Err: nhi.Errorf(nhi.CodeInvalid, "Google listed a token without a valid client ID")})
			continue
		}
		if err := s.rep.identity(ctx, g.app(id.Name), id); err != nil {
			return err
		}
		s.identities.Add(1)
	}
	if !complete {
		return nil
	}
	return s.rep.complete(ctx, scope)
}
