package github

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v89/github"
	"golang.org/x/sync/errgroup"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// scan is the state of one Discover call.
type scan struct {
	c          *Connector
	cl         *clients
	rep        *syncReporter
	now        time.Time
	identities atomic.Int64
}

// orgScan is the state of one organization's part of a scan.
type orgScan struct {
	s      *scan
	org    string
	client *gh.Client

	mu sync.Mutex
	// members maps each member's lower-case login to the member; membersOK says the
	// listing was complete.
	members   map[string]member
	membersOK bool
	// emails maps lower-case logins to their SAML NameID; saml says the organization has
	// a SAML identity provider (or that it could not be told).
	emails map[string]string
	saml   bool
	// referenced maps the lower-case logins that own or added something to their login.
	referenced map[string]string
	// denied remembers the per-repository listings GitHub refused, reported once.
	denied map[string]bool
	repos  []string
}

// member is an organization member.
type member struct {
	login string
	admin bool
}

// Discover enumerates the configured organizations into r; see connector.Connector.
// GitHub has no delta API for what nhi reads, so every scan is a full one: since is only
// checked to have been issued by this connector, and the returned cursor records when
// the scan started (see doc.go). Organizations are scanned one after the other, the
// listings of each concurrently, at most Config.Concurrency at a time.
func (c *Connector) Discover(ctx context.Context, since nhi.Cursor, r connector.Reporter) (nhi.Cursor, error) {
	if since != "" {
		if _, err := parseCursor(since); err != nil {
			return "", err
		}
	}
	start := time.Now()
	rep := newSyncReporter(r)
	s := &scan{c: c, cl: c.clients(rep.progress), rep: rep, now: c.env.Clock()()}
	peopleOK := true
	for _, org := range c.cfg.Organizations {
		ok, err := s.organization(ctx, org)
		if err != nil {
			return "", c.mapError(err, "organization "+org)
		}
		peopleOK = peopleOK && ok
	}
	if err := ctx.Err(); err != nil {
		return "", c.mapError(err, "the organizations")
	}
	if peopleOK {
		if err := rep.complete(ctx, connector.ScopePeople); err != nil {
			return "", err
		}
	}
	s.ownerTokenMissing(ctx)
	s.fineGrainedSkipped(ctx)
	apps, failures := rep.counts()
	c.env.Log().DebugContext(ctx, "github scan done", "connector", c.cfg.Name, "organizations", len(c.cfg.Organizations),
		"apps", apps, "identities", s.identities.Load(), "failures", failures, "took", time.Since(start))
	return nhi.Cursor(cursor{At: s.now}.String()), nil
}

// organization scans one organization and reports whether its people were listed
// completely. It returns an error only when the scan as a whole cannot go on.
func (s *scan) organization(ctx context.Context, org string) (bool, error) {
	o := &orgScan{s: s, org: org, client: s.cl.org(org), members: map[string]member{}, emails: map[string]string{},
		referenced: map[string]string{}, denied: map[string]bool{}}
	lists := []func(context.Context) error{o.listMembers, o.listSAMLAndCredentials, o.listInstallations,
		o.listHooks, o.listOrgSecrets, o.listRepos}
	// One token (or one read with the token) up front: rejected credentials fail once,
	// not once per listing. Token mode cannot read fine-grained tokens (fineGrainedSkipped).
	if s.c.cfg.tokenOnly() {
		if err := s.checkOrgToken(ctx, org); err != nil {
			return false, err
		}
	} else {
		if _, err := s.c.creds.token(ctx, org, s.cl.app); err != nil {
			return false, err
		}
		lists = append(lists, o.listTokens, o.listRequests)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.c.cfg.Concurrency)
	for _, list := range lists {
		g.Go(func() error { return list(gctx) })
	}
	if err := g.Wait(); err != nil {
		return false, err
	}
	if err := o.perRepo(ctx); err != nil {
		return false, err
	}
	if err := o.reportPeople(ctx); err != nil {
		return false, err
	}
	return o.membersOK, nil
}

// perRepo lists the deploy keys and Actions secrets of every repository.
func (o *orgScan) perRepo(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.s.c.cfg.Concurrency)
	for _, repo := range o.repos {
		g.Go(func() error { return o.listKeys(gctx, repo) })
		g.Go(func() error { return o.listRepoSecrets(gctx, repo) })
	}
	return g.Wait()
}

// failed reports a failure confined to scope and returns nil, or returns err when it
// ends the scan. In App mode the owner token is optional: its rejection fails what it
// reads only; in token mode it is the only credential and its rejection ends the scan.
func (o *orgScan) failed(ctx context.Context, err error, scope, resource, what string) error {
	ownerOnly := resource == resCredentials && !o.s.c.cfg.tokenOnly()
	if fatal(err) && !(ownerOnly && isStatus(err, http.StatusUnauthorized)) {
		return err
	}
	o.s.rep.fail(ctx, connector.Failure{Scope: scope, Resource: what + " of organization " + o.org,
		Err: o.s.c.mapError(err, resource)})
	return nil
}

// deniedOnce reports whether a per-repository listing of resource was refused already in
// this organization; the first refusal is reported, the later ones skipped.
func (o *orgScan) deniedOnce(resource string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.denied[resource]
}

// refer records that login owns or added something.
func (o *orgScan) refer(login string) {
	if login == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.referenced[strings.ToLower(login)] = login
}

// identity reports an identity (and its app, the first time), counting it. It returns
// ctx's error once the scan is canceled, so that a scan stops between items too.
func (o *orgScan) identity(ctx context.Context, a *nhi.App, id nhi.Identity) error {
	o.s.identities.Add(1)
	if err := o.s.rep.identity(ctx, a, id); err != nil {
		return err
	}
	return ctx.Err()
}

// ownerTokenMissing says once per scan which detections the missing owner token leaves out.
func (s *scan) ownerTokenMissing(ctx context.Context) {
	if s.c.creds.owner != "" {
		return
	}
	s.c.env.Log().WarnContext(ctx, "github: no owner token configured: SAML credential authorizations "+
		"(classic tokens, SSH keys, OAuth app tokens) were not listed", "connector", s.c.cfg.Name)
	s.rep.fail(ctx, connector.Failure{Resource: "SAML credential authorizations",
		Err: nhi.Errorf(nhi.CodeForbidden, "no owner token configured: SAML credential authorizations (classic "+
			"personal access tokens, SSH keys, OAuth app tokens) were not listed; set token to an organization "+
			"owner's classic token with scopes read:org and read:audit_log")})
}
