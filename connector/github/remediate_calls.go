package github

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// denyReason is the reason given when nhi denies a pending token request.
const denyReason = "Denied by nhi remediation"

// remediator makes the calls of one action.
type remediator struct {
	c  *Connector
	cl *clients
	a  nhi.Action
}

// remediation returns the remediator of one action.
func (c *Connector) remediation(a nhi.Action) *remediator {
	return &remediator{c: c, cl: c.clients(func(connector.Progress) {}), a: a}
}

// resourceOfTarget names what a target is read from, for error messages.
func resourceOfTarget(t target) string {
	switch t.kind {
	case targetPAT:
		return resPATs
	case targetRequest:
		return resPATRequests
	case targetCred:
		return resCredentials
	case targetKey:
		return resKeys
	}
	return resHooks
}

// read reports whether t is still there (for a webhook: still active) and what was read.
func (r *remediator) read(ctx context.Context, t target) (bool, string, error) {
	var present bool
	var err error
	client := r.cl.org(t.org)
	switch t.kind {
	case targetPAT:
		present, err = r.findPAT(ctx, client, t)
	case targetRequest:
		present, err = r.findRequest(ctx, client, t)
	case targetCred:
		present, err = r.findCred(ctx, t)
	case targetKey:
		_, _, err = client.Repositories.GetKey(ctx, t.org, t.repo, t.id)
		present, err = err == nil, notFoundOK(err)
	case targetHook:
		var h *gh.Hook
		h, _, err = client.Organizations.GetHook(ctx, t.org, t.id)
		present, err = err == nil && h.GetActive(), notFoundOK(err)
	}
	if err != nil {
		return false, "", r.c.mapError(err, resourceOfTarget(t))
	}
	return present, detailOf(t, present), nil
}

// detailOf says what a read showed, for the audit trail.
func detailOf(t target, present bool) string {
	state := map[bool]string{true: "still there", false: "gone"}[present]
	if t.kind == targetHook {
		state = map[bool]string{true: "still active", false: "inactive or gone"}[present]
	}
	return resourceOfTarget(t) + " " + id(t.id) + " of " + t.org + ": " + state
}

// notFoundOK returns nil for a 404 answer (the target is gone), else err.
func notFoundOK(err error) error {
	if isStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// change makes the call that removes t; gone says GitHub answered that it was gone
// already.
func (r *remediator) change(ctx context.Context, t target) (bool, error) {
	client := r.cl.org(t.org)
	var err error
	switch t.kind {
	case targetPAT:
		var req *http.Request
		path := "orgs/" + url.PathEscape(t.org) + "/personal-access-tokens/" + id(t.id)
		if req, err = client.NewRequest(ctx, http.MethodPost, path, map[string]string{"action": "revoke"}); err == nil {
			_, err = client.Do(req, nil)
		}
	case targetRequest:
		reason := denyReason
		_, err = client.Organizations.ReviewPersonalAccessTokenRequest(ctx, t.org, t.id,
			gh.ReviewPersonalAccessTokenRequestOptions{Action: "deny", Reason: &reason})
	case targetCred:
		if r.cl.owner == nil {
			return false, ownerMissing("removing a SAML credential authorization")
		}
		_, err = r.cl.owner.Organizations.RemoveCredentialAuthorization(ctx, t.org, t.id)
	case targetKey:
		_, err = client.Repositories.DeleteKey(ctx, t.org, t.repo, t.id)
	case targetHook:
		_, _, err = client.Organizations.EditHook(ctx, t.org, t.id, &gh.Hook{Active: gh.Ptr(false)})
	}
	if isStatus(err, http.StatusNotFound) {
		return true, nil
	}
	return false, r.c.mapError(err, resourceOfTarget(t))
}

// findPAT reports whether a token grant is still there: through the listing filtered by
// the token's ID when the action names it, else (or when that finds nothing) through
// the whole listing.
func (r *remediator) findPAT(ctx context.Context, client *gh.Client, t target) (bool, error) {
	find := func(tokenIDs []int64) (bool, error) {
		found := false
		err := pages(func(connector.Progress) {}, resPATs, func(page int) ([]*gh.PersonalAccessToken, *gh.Response, error) {
			return client.Organizations.ListFineGrainedPersonalAccessTokens(ctx, t.org,
				&gh.ListFineGrainedPATOptions{TokenID: tokenIDs, ListOptions: listOpts(page)})
		}, func(items []*gh.PersonalAccessToken) error {
			for _, p := range items {
				found = found || p.GetID() == t.id
			}
			return nil
		})
		return found, err
	}
	if tid, err := strconv.ParseInt(r.a.CredentialID, 10, 64); err == nil && tid > 0 {
		if found, err := find([]int64{tid}); found || err != nil {
			return found, err
		}
	}
	return find(nil)
}

// findRequest reports whether a pending token request is still there.
func (r *remediator) findRequest(ctx context.Context, client *gh.Client, t target) (bool, error) {
	found := false
	type req = *gh.FineGrainedPersonalAccessTokenRequest
	err := pages(func(connector.Progress) {}, resPATRequests, func(page int) ([]req, *gh.Response, error) {
		return client.Organizations.ListFineGrainedPersonalAccessTokenRequests(ctx, t.org,
			&gh.ListFineGrainedPATOptions{ListOptions: listOpts(page)})
	}, func(items []req) error {
		for _, p := range items {
			found = found || p != nil && p.ID == t.id
		}
		return nil
	})
	return found, err
}

// findCred reports whether a SAML credential authorization is still there: through the
// listing filtered by the owner's login when the action names one, else (or when that
// finds nothing) through the whole listing.
func (r *remediator) findCred(ctx context.Context, t target) (bool, error) {
	if r.cl.owner == nil {
		return false, ownerMissing("reading SAML credential authorizations")
	}
	find := func(login string) (bool, error) {
		found := false
		q := url.Values{}
		if login != "" {
			q.Set("login", login)
		}
		err := pages(func(connector.Progress) {}, resCredentials, func(page int) ([]credentialAuthorization, *gh.Response, error) {
			var v []credentialAuthorization
			resp, err := getJSON(ctx, r.cl.owner, "orgs/"+url.PathEscape(t.org)+"/credential-authorizations?"+pageQuery(page, q), &v)
			return v, resp, err
		}, func(items []credentialAuthorization) error {
			for _, ca := range items {
				if ca.CredentialID == t.id && r.c.creds.ownCredential(ca) {
					return errOwnToken
				}
				found = found || ca.CredentialID == t.id
			}
			return nil
		})
		return found, err
	}
	if login := r.a.OwnerID; login != "" && validLogin(login) {
		if found, err := find(login); found || err != nil {
			return found, err
		}
	}
	return find("")
}
