package scan

import (
	"context"
	"fmt"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// Evaluation is the outcome of scoring one tenant's inventory.
type Evaluation struct {
	Identities int
	Apps       int
	// Findings counts the findings produced, by severity.
	Findings map[nhi.Severity]int
	// Resolved counts findings resolved because their condition no longer holds.
	Resolved int
	// Proposed is what the policies proposed, when a policy set was given.
	Proposed remediate.Proposed
	// PolicyErrors counts evaluations of a policy on an identity that failed (the cost
	// limit, a missing value); the other policies still ran.
	PolicyErrors int
	// Accepted counts proposals dropped because a person suppressed a finding of the
	// same OWASP item on the identity or its app.
	Accepted int
	// Correlated is how many people of a platform that is no directory took a worse
	// status from the directories (Google Workspace, Entra, Okta) by their email.
	Correlated int
}

// Evaluate scores every present identity and app of one tenant with engine, records the
// findings under evalID and resolves the findings that no longer hold. It reads the
// inventory page by page and writes findings in batches, so memory stays bounded by the
// number of people and apps, not identities.
func Evaluate(ctx context.Context, db store.Store, engine *risk.Engine, evalID string,
	p nhi.Platform, tenant string, now time.Time) (Evaluation, error) {
	return evaluate(ctx, db, engine, nil, evalID, p, tenant, now)
}

// evaluate is Evaluate followed, when policies is not nil, by the policy pass.
func evaluate(ctx context.Context, db store.Store, engine *risk.Engine, policies *policy.Set, evalID string,
	p nhi.Platform, tenant string, now time.Time) (Evaluation, error) {
	ev := Evaluation{Findings: map[nhi.Severity]int{}}
	people, err := loadPeople(ctx, db, p, tenant)
	if err != nil {
		return ev, err
	}
	if !IsDirectory(p) {
		dir, err := loadDirectory(ctx, db)
		if err != nil {
			return ev, err
		}
		emails, err := platformEmails(ctx, db, p)
		if err != nil {
			return ev, err
		}
		withEmails(people, emails)
		ev.Correlated = correlate(people, dir)
	}
	apps, err := loadApps(ctx, db, p, tenant)
	if err != nil {
		return ev, err
	}
	w := &findingWriter{ctx: ctx, db: db, evalID: evalID, now: now, ev: &ev}
	tallies := map[string]*risk.AppInput{}
	f := store.IdentityFilter{Platform: p, Tenant: tenant}
	in := risk.IdentityInput{Now: now}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return db.ListIdentities(ctx, f)
	}, func(id nhi.Identity) error {
		in.Identity, in.Owner, in.App = id, ownerOf(people, &id), apps[id.AppID]
		if id.AppID != "" {
			t := tallies[id.AppID]
			if t == nil {
				t = &risk.AppInput{Now: now}
				tallies[id.AppID] = t
			}
			t.AddIdentity(&id, in.Owner)
		}
		s := engine.ScoreIdentity(&in)
		ev.Identities++
		return w.add(s.Findings(nhi.SubjectIdentity, id.ID, id.Platform, id.Tenant, id.AppID, id.OwnerID))
	})
	if err != nil {
		return ev, fmt.Errorf("evaluate: %w", err)
	}
	list := make([]nhi.App, 0, len(apps))
	for _, app := range apps {
		list = append(list, *app)
	}
	collisions := risk.NameCollisions(list)
	appFindings := map[string][]nhi.Finding{}
	for _, app := range apps {
		t := tallies[app.ExternalID]
		if t == nil {
			continue // an app none of whose identities is present holds nothing
		}
		t.App, t.Collision = *app, collisions[app.ExternalID]
		s := engine.ScoreApp(t)
		fs := s.Findings(nhi.SubjectApp, nhi.AppKey(p, tenant, app.ExternalID), p, tenant, app.ExternalID, "")
		appFindings[app.ExternalID] = fs
		if err := w.add(fs); err != nil {
			return ev, err
		}
		ev.Apps++
	}
	if err := w.flush(); err != nil {
		return ev, err
	}
	n, err := db.ResolveFindings(ctx, store.ResolveFindings{EvalID: evalID, Platform: p, Tenant: tenant, At: now})
	ev.Resolved = n
	if err != nil {
		return ev, fmt.Errorf("evaluate: resolve findings: %w", err)
	}
	if policies == nil {
		return ev, nil
	}
	pass := &policyPass{db: db, engine: engine, set: policies, people: people, apps: apps,
		tallies: tallies, appFindings: appFindings, now: now}
	return ev, pass.run(ctx, &ev, p, tenant)
}

// ownerOf returns the owner of id, or nil when nhi has no record of one.
func ownerOf(people map[string]*nhi.Person, id *nhi.Identity) *nhi.Person {
	if id.OwnerID == "" {
		return nil
	}
	return people[id.OwnerID]
}

// loadPeople reads the people of a tenant; a person gone from the directory counts as
// departed, whatever their last status.
func loadPeople(ctx context.Context, db store.Store, p nhi.Platform, tenant string) (map[string]*nhi.Person, error) {
	out := map[string]*nhi.Person{}
	f := store.PersonFilter{Platform: p, Tenant: tenant, IncludeGone: true}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Person], error) {
		f.Limit, f.After = lim, after
		return db.ListPeople(ctx, f)
	}, func(person nhi.Person) error {
		if !person.GoneAt.IsZero() {
			person.Status = nhi.PersonDeparted
		}
		out[person.ExternalID] = &person
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("evaluate: list people: %w", err)
	}
	return out, nil
}

// loadApps reads the apps of a tenant with their aggregates.
func loadApps(ctx context.Context, db store.Store, p nhi.Platform, tenant string) (map[string]*nhi.App, error) {
	out := map[string]*nhi.App{}
	f := store.AppFilter{Platform: p, Tenant: tenant}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		f.Limit, f.After = lim, after
		return db.ListApps(ctx, f)
	}, func(app nhi.App) error { out[app.ExternalID] = &app; return nil })
	if err != nil {
		return nil, fmt.Errorf("evaluate: list apps: %w", err)
	}
	return out, nil
}

// findingBatch is how many findings go to the store in one write: findings are written
// far more often than identities change, and larger transactions write fewer WAL pages.
const findingBatch = 10000

// findingWriter batches findings into the store.
type findingWriter struct {
	ctx    context.Context
	db     store.Store
	evalID string
	now    time.Time
	ev     *Evaluation
	buf    []nhi.Finding
}

func (w *findingWriter) add(fs []nhi.Finding) error {
	for _, f := range fs {
		w.ev.Findings[f.Severity]++
	}
	w.buf = append(w.buf, fs...)
	if len(w.buf) >= findingBatch {
		return w.flush()
	}
	return nil
}

func (w *findingWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	if err := w.db.PutFindings(w.ctx, w.evalID, w.now, w.buf); err != nil {
		return fmt.Errorf("evaluate: put findings: %w", err)
	}
	w.buf = w.buf[:0]
	return nil
}
