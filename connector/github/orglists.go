package github

import (
	"context"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

// listInstallations reports the app installations of the organization, each with its
// app. go-github's typed method drops permissions its struct does not know, so the
// answer is decoded by hand (wire.go).
func (o *orgScan) listInstallations(ctx context.Context) error {
	scope := scopeInstallations(o.org)
	var all []installation
	err := pages(o.s.rep.progress, resInstalls, func(page int) ([]installation, *gh.Response, error) {
		var v orgInstallations
		resp, err := getJSON(ctx, o.client, "orgs/"+url.PathEscape(o.org)+"/installations?"+pageQuery(page, nil), &v)
		return v.Installations, resp, err
	}, func(items []installation) error {
		for _, in := range items {
			if in.ID <= 0 {
				return errBadItem
			}
			all = append(all, in)
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, scope, resInstalls, "app installations")
	}
	apps, err := o.appFacts(ctx, all)
	if err != nil {
		return err
	}
	self := o.s.c.creds.installationID(o.org)
	for _, in := range all {
		if in.ID == self {
			o.s.c.creds.learnClientID(in.ClientID)
		}
		id, app := installationIdentity(o.org, in, in.ID == self)
		if f, ok := apps[in.AppSlug]; ok {
			app.Name, app.Vendor = f.name, f.vendor
		}
		if err := o.identity(ctx, app, id); err != nil {
			return err
		}
	}
	return o.s.rep.complete(ctx, scope)
}

// appFact is what GET /apps/{app_slug} says of an app.
type appFact struct{ name, vendor string }

// appFacts reads the public page of each installed app (GET /apps/{app_slug}) for its
// name and the account that owns it, the app's vendor. An app GitHub does not show
// keeps its slug as name and no vendor; only a failure that ends the scan is returned.
func (o *orgScan) appFacts(ctx context.Context, all []installation) (map[string]appFact, error) {
	out := map[string]appFact{}
	for _, in := range all {
		if _, done := out[in.AppSlug]; done || in.AppSlug == "" || strings.ContainsAny(in.AppSlug, "/?#%") {
			continue
		}
		a, _, err := o.client.Apps.Get(ctx, in.AppSlug)
		if err != nil {
			if fatal(err) {
				return nil, err
			}
			o.s.c.env.Log().DebugContext(ctx, "github: app page not read", "connector", o.s.c.cfg.Name,
				"app", clean(in.AppSlug), "error", nhi.ErrorMessage(o.s.c.mapError(err, "apps")))
			out[in.AppSlug] = appFact{name: clean(in.AppSlug)}
			continue
		}
		f := appFact{name: clean(a.GetName()), vendor: clean(a.GetOwner().GetLogin())}
		if f.name == "" {
			f.name = clean(in.AppSlug)
		}
		out[in.AppSlug] = f
	}
	return out, nil
}

// listTokens reports the fine-grained personal access tokens granted access.
func (o *orgScan) listTokens(ctx context.Context) error {
	scope := scopeTokens(o.org)
	err := pages(o.s.rep.progress, resPATs, func(page int) ([]*gh.PersonalAccessToken, *gh.Response, error) {
		return o.client.Organizations.ListFineGrainedPersonalAccessTokens(ctx, o.org,
			&gh.ListFineGrainedPATOptions{ListOptions: listOpts(page)})
	}, func(items []*gh.PersonalAccessToken) error {
		for _, t := range items {
			if t.GetID() <= 0 {
				return errBadItem
			}
			o.refer(t.GetOwner().GetLogin())
			if err := o.identity(ctx, nil, tokenIdentity(o.org, t)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, scope, resPATs, "fine-grained personal access tokens")
	}
	return o.s.rep.complete(ctx, scope)
}

// listRequests reports the pending requests of fine-grained personal access tokens.
func (o *orgScan) listRequests(ctx context.Context) error {
	scope := scopeRequests(o.org)
	type req = *gh.FineGrainedPersonalAccessTokenRequest
	err := pages(o.s.rep.progress, resPATRequests, func(page int) ([]req, *gh.Response, error) {
		return o.client.Organizations.ListFineGrainedPersonalAccessTokenRequests(ctx, o.org,
			&gh.ListFineGrainedPATOptions{ListOptions: listOpts(page)})
	}, func(items []req) error {
		for _, r := range items {
			if r == nil || r.ID <= 0 {
				return errBadItem
			}
			o.refer(r.Owner.GetLogin())
			if err := o.identity(ctx, nil, requestIdentity(o.org, r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, scope, resPATRequests, "fine-grained personal access token requests")
	}
	return o.s.rep.complete(ctx, scope)
}

// listHooks reports the organization's webhooks.
func (o *orgScan) listHooks(ctx context.Context) error {
	scope := scopeHooks(o.org)
	err := pages(o.s.rep.progress, resHooks, func(page int) ([]*gh.Hook, *gh.Response, error) {
		opts := listOpts(page)
		return o.client.Organizations.ListHooks(ctx, o.org, &opts)
	}, func(items []*gh.Hook) error {
		for _, h := range items {
			if h.GetID() <= 0 {
				return errBadItem
			}
			if err := o.identity(ctx, nil, hookIdentity(o.org, h)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, scope, resHooks, "webhooks")
	}
	return o.s.rep.complete(ctx, scope)
}

// listOrgSecrets reports the organization's Actions secrets (metadata only).
func (o *orgScan) listOrgSecrets(ctx context.Context) error {
	scope := scopeSecrets(o.org)
	err := pages(o.s.rep.progress, resSecrets, func(page int) ([]*gh.Secret, *gh.Response, error) {
		opts := listOpts(page)
		s, resp, err := o.client.Actions.ListOrgSecrets(ctx, o.org, &opts)
		if s == nil {
			return nil, resp, err
		}
		return s.Secrets, resp, err
	}, func(items []*gh.Secret) error { return o.reportSecrets(ctx, "", items) })
	if err != nil {
		return o.failed(ctx, err, scope, resSecrets, "Actions secrets")
	}
	return o.s.rep.complete(ctx, scope)
}

// reportSecrets reports Actions secrets of the organization (repo "") or a repository.
func (o *orgScan) reportSecrets(ctx context.Context, repo string, items []*gh.Secret) error {
	for _, s := range items {
		if s == nil || s.Name == "" || strings.ContainsAny(s.Name, "/\x00") {
			return errBadItem
		}
		if err := o.identity(ctx, nil, secretIdentity(o.org, repo, s)); err != nil {
			return err
		}
	}
	return nil
}

// listRepos lists the organization's repositories, whose deploy keys and secrets
// perRepo reads next.
func (o *orgScan) listRepos(ctx context.Context) error {
	var names []string
	err := pages(o.s.rep.progress, resRepos, func(page int) ([]*gh.Repository, *gh.Response, error) {
		return o.client.Repositories.ListByOrg(ctx, o.org, &gh.RepositoryListByOrgOptions{Type: "all",
			ListOptions: listOpts(page)})
	}, func(items []*gh.Repository) error {
		for _, r := range items {
			if r.GetName() == "" || strings.ContainsAny(r.GetName(), "/\x00") {
				return errBadItem
			}
			names = append(names, r.GetName())
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, "", resRepos, "repositories (their deploy keys and Actions secrets were not read)")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.repos = names
	return nil
}
