package scan

import (
	"context"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/store"
)

// inputs builds the policy inputs of stored identities as a preview meets them: owners
// and apps (with their findings and how many of their identities administrators granted)
// are looked up once each, so a preview that stops early has read only what it needed.
type inputs struct {
	db     store.Store
	now    time.Time
	people map[string]nhi.Person
	apps   map[string]*appFacts
}

// appFacts is what the policies see of one app.
type appFacts struct {
	app    nhi.App
	admins int
	open   []nhi.Finding
	// accepted holds the OWASP items of the app's suppressed findings.
	accepted map[string]bool
}

func newInputs(db store.Store, now time.Time) *inputs {
	return &inputs{db: db, now: now, people: map[string]nhi.Person{}, apps: map[string]*appFacts{}}
}

// input returns the policy input of one identity, and the risks a person accepted for it
// and its app: subject (identity ID or app key) to the OWASP items of its suppressed
// findings.
func (in *inputs) input(ctx context.Context, id nhi.Identity) (policy.Input, map[string]map[string]bool, error) {
	owner, err := in.person(ctx, id)
	if err != nil {
		return policy.Input{}, nil, err
	}
	af, err := in.app(ctx, id)
	if err != nil {
		return policy.Input{}, nil, err
	}
	open, accepted, err := in.findings(ctx, nhi.SubjectIdentity, id.ID)
	if err != nil {
		return policy.Input{}, nil, err
	}
	key := nhi.AppKey(id.Platform, id.Tenant, id.AppID)
	return policy.Input{Identity: id, App: af.app, AppAdmins: af.admins, Owner: owner,
			Findings: append(open, af.open...), Now: in.now},
		map[string]map[string]bool{id.ID: accepted, key: af.accepted}, nil
}

// app returns the facts of the identity's app, zero when it has none or nhi has no record.
func (in *inputs) app(ctx context.Context, id nhi.Identity) (*appFacts, error) {
	key := nhi.AppKey(id.Platform, id.Tenant, id.AppID)
	if af, ok := in.apps[key]; ok {
		return af, nil
	}
	af := &appFacts{}
	if id.AppID != "" {
		var err error
		af.app, err = in.db.App(ctx, id.Platform, id.Tenant, id.AppID)
		switch {
		case nhi.ErrorCode(err) == nhi.CodeNotFound:
			af.app = nhi.App{}
		case err != nil:
			return nil, err
		}
		if af.open, af.accepted, err = in.findings(ctx, nhi.SubjectApp, key); err != nil {
			return nil, err
		}
		if af.admins, err = in.admins(ctx, id); err != nil {
			return nil, err
		}
	}
	in.apps[key] = af
	return af, nil
}

// admins counts the present identities of the identity's app whose owner is an
// administrator.
func (in *inputs) admins(ctx context.Context, id nhi.Identity) (int, error) {
	n := 0
	f := store.IdentityFilter{Platform: id.Platform, Tenant: id.Tenant, AppID: id.AppID}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return in.db.ListIdentities(ctx, f)
	}, func(x nhi.Identity) error {
		owner, err := in.person(ctx, x)
		if owner.IsAdmin {
			n++
		}
		return err
	})
	return n, err
}

// findings returns the open findings of one subject and the OWASP items of its
// suppressed ones.
func (in *inputs) findings(ctx context.Context, kind nhi.SubjectKind, subject string) ([]nhi.Finding, map[string]bool, error) {
	var open []nhi.Finding
	accepted := map[string]bool{}
	f := store.FindingFilter{SubjectKind: kind, SubjectID: subject}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return in.db.ListFindings(ctx, f)
	}, func(fd nhi.Finding) error {
		switch fd.Status {
		case nhi.FindingOpen:
			open = append(open, fd)
		case nhi.FindingSuppressed:
			for _, o := range fd.OWASP {
				accepted[o] = true
			}
		}
		return nil
	})
	return open, accepted, err
}

// person returns the owner of an identity; zero when it has none or nhi has no record.
func (in *inputs) person(ctx context.Context, id nhi.Identity) (nhi.Person, error) {
	if id.OwnerID == "" {
		return nhi.Person{}, nil
	}
	key := nhi.AppKey(id.Platform, id.Tenant, id.OwnerID)
	if p, ok := in.people[key]; ok {
		return p, nil
	}
	p, err := in.db.Person(ctx, id.Platform, id.Tenant, id.OwnerID)
	switch {
	case nhi.ErrorCode(err) == nhi.CodeNotFound:
		p = nhi.Person{}
	case err != nil:
		return p, err
	}
	in.people[key] = p
	return p, nil
}
