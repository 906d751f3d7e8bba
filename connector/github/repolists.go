package github

import (
	"context"
	"net/http"

	gh "github.com/google/go-github/v89/github"
)

// listKeys reports the deploy keys of one repository. A refusal (the app lacks the
// repository permission Administration: read) is reported for the first repository and
// the other repositories' keys are not asked for.
func (o *orgScan) listKeys(ctx context.Context, repo string) error {
	scope := scopeDeployKeys(o.org, repo)
	if o.deniedOnce(resKeys) {
		return nil
	}
	err := pages(o.s.rep.progress, resKeys, func(page int) ([]*gh.Key, *gh.Response, error) {
		opts := listOpts(page)
		return o.client.Repositories.ListKeys(ctx, o.org, repo, &opts)
	}, func(items []*gh.Key) error {
		for _, k := range items {
			if k.GetID() <= 0 {
				return errBadItem
			}
			o.refer(k.GetAddedBy())
			if err := o.identity(ctx, nil, deployKeyIdentity(o.org, repo, k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o.repoFailed(ctx, err, scope, resKeys, "deploy keys of repository "+repo)
	}
	return o.s.rep.complete(ctx, scope)
}

// listRepoSecrets reports the Actions secrets of one repository, refusals handled as
// listKeys does.
func (o *orgScan) listRepoSecrets(ctx context.Context, repo string) error {
	scope := scopeRepoSecrets(o.org, repo)
	if o.deniedOnce(resSecrets) {
		return nil
	}
	err := pages(o.s.rep.progress, resSecrets, func(page int) ([]*gh.Secret, *gh.Response, error) {
		opts := listOpts(page)
		s, resp, err := o.client.Actions.ListRepoSecrets(ctx, o.org, repo, &opts)
		if s == nil {
			return nil, resp, err
		}
		return s.Secrets, resp, err
	}, func(items []*gh.Secret) error { return o.reportSecrets(ctx, repo, items) })
	if err != nil {
		return o.repoFailed(ctx, err, scope, resSecrets, "Actions secrets of repository "+repo)
	}
	return o.s.rep.complete(ctx, scope)
}

// repoFailed reports a failed per-repository listing; a refusal is reported once per
// organization and resource.
func (o *orgScan) repoFailed(ctx context.Context, err error, scope, resource, what string) error {
	if isStatus(err, http.StatusForbidden) && !fatal(err) {
		ae := asAPI(err)
		if !ae.RateLimit {
			o.mu.Lock()
			first := !o.denied[resource]
			o.denied[resource] = true
			o.mu.Unlock()
			if !first {
				return nil
			}
			what += " (and of every other repository)"
		}
	}
	return o.failed(ctx, err, scope, resource, what)
}
