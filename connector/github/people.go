package github

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// errGraphQL is a GraphQL answer carrying errors, or without data.
var errGraphQL = errors.New("graphql answered errors")

// listMembers lists the organization's members with their role: every member, then the
// owners (role admin).
func (o *orgScan) listMembers(ctx context.Context) error {
	found := map[string]member{}
	for _, role := range []string{"all", "admin"} {
		err := pages(o.s.rep.progress, resMembers, func(page int) ([]*gh.User, *gh.Response, error) {
			return o.client.Organizations.ListMembers(ctx, o.org, &gh.ListMembersOptions{Role: role, ListOptions: listOpts(page)})
		}, func(items []*gh.User) error {
			for _, u := range items {
				if u.GetLogin() == "" {
					return errBadItem
				}
				k := strings.ToLower(u.GetLogin())
				m := found[k]
				m.login, m.admin = u.GetLogin(), m.admin || role == "admin"
				found[k] = m
			}
			return nil
		})
		if err != nil {
			return o.failed(ctx, err, connector.ScopePeople, resMembers, "members")
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.members, o.membersOK = found, true
	return nil
}

// listSAMLAndCredentials reads the SAML identities (the NameID of each member's linked
// identity) and then, for an organization with SAML single sign-on and with the owner
// token configured, the SAML credential authorizations.
func (o *orgScan) listSAMLAndCredentials(ctx context.Context) error {
	saml, err := o.listSAML(ctx)
	if err != nil {
		if err := o.failed(ctx, err, "", resSAML, "SAML identities (people's emails)"); err != nil {
			return err
		}
		saml = true // unknown: try the credential authorizations anyway
	}
	if !saml {
		// Without SAML SSO there are no credential authorizations: the scope is complete.
		return o.s.rep.complete(ctx, scopeCredentials(o.org))
	}
	if o.s.cl.owner == nil {
		return nil
	}
	return o.listCredentials(ctx)
}

// listSAML reads the organization's SAML identities through GraphQL and reports whether
// it has a SAML identity provider.
func (o *orgScan) listSAML(ctx context.Context) (bool, error) {
	var after *string
	emails := map[string]string{}
	seen := map[string]bool{}
	for range maxPages {
		nodes, info, err := o.samlPage(ctx, after)
		if err != nil || info == nil {
			return false, err
		}
		o.s.rep.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resSAML})
		for _, n := range nodes {
			if n.User != nil && n.SAMLIdentity != nil && n.User.Login != "" {
				emails[strings.ToLower(n.User.Login)] = shorten(nhi.CleanText(n.SAMLIdentity.NameID), 320)
			}
		}
		if !info.HasNextPage || info.EndCursor == nil {
			break
		}
		if seen[*info.EndCursor] {
			return false, errPageLoop
		}
		seen[*info.EndCursor], after = true, info.EndCursor
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.emails, o.saml = emails, true
	return true, nil
}

// pageInfo is GraphQL's paging of one answer.
type pageInfo struct {
	HasNextPage bool
	EndCursor   *string
}

// samlPage reads one page of SAML identities; a nil pageInfo without error says the
// organization has no SAML identity provider.
func (o *orgScan) samlPage(ctx context.Context, after *string) ([]samlNode, *pageInfo, error) {
	body := graphqlRequest{Query: samlQuery, Variables: map[string]any{"org": o.org, "after": after}}
	req, err := o.client.NewRequest(ctx, http.MethodPost, graphqlPath(o.s.c.cfg.APIURL), body)
	if err != nil {
		return nil, nil, err
	}
	var ans samlAnswer
	if _, err := o.client.Do(req, &ans); err != nil {
		return nil, nil, err
	}
	if len(ans.Errors) > 0 || ans.Data == nil || ans.Data.Organization == nil {
		return nil, nil, errGraphQL
	}
	idp := ans.Data.Organization.SAMLIdentityProvider
	if idp == nil {
		return nil, nil, nil
	}
	ids := idp.ExternalIdentities
	return ids.Nodes, &pageInfo{HasNextPage: ids.PageInfo.HasNextPage, EndCursor: ids.PageInfo.EndCursor}, nil
}

// listCredentials reports the SAML credential authorizations, read with the owner token.
// go-github's type lacks the OAuth app of a token, so the answer is decoded by hand.
func (o *orgScan) listCredentials(ctx context.Context) error {
	scope := scopeCredentials(o.org)
	err := pages(o.s.rep.progress, resCredentials, func(page int) ([]credentialAuthorization, *gh.Response, error) {
		var v []credentialAuthorization
		resp, err := getJSON(ctx, o.s.cl.owner, "orgs/"+url.PathEscape(o.org)+"/credential-authorizations?"+pageQuery(page, nil), &v)
		return v, resp, err
	}, func(items []credentialAuthorization) error {
		for _, ca := range items {
			if ca.CredentialID <= 0 {
				return errBadItem
			}
			id, app, ok := credentialIdentity(o.org, ca)
			if !ok {
				o.s.c.env.Log().DebugContext(ctx, "github: skipped a credential authorization of unknown type",
					"connector", o.s.c.cfg.Name, "type", clean(ca.CredentialType))
				continue
			}
			o.refer(ca.Login)
			if o.s.c.creds.ownCredential(ca) {
				id.Attributes["nhi_self"] = "true"
			}
			if err := o.identity(ctx, app, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return o.failed(ctx, err, scope, resCredentials, "SAML credential authorizations")
	}
	return o.s.rep.complete(ctx, scope)
}

// reportPeople reports the members, and the logins that own or added something but are
// not members as departed (only when the member listing was complete).
func (o *orgScan) reportPeople(ctx context.Context) error {
	o.mu.Lock()
	members, emails, referenced, ok := o.members, o.emails, o.referenced, o.membersOK
	o.mu.Unlock()
	person := func(login string, status nhi.PersonStatus, admin bool) nhi.Person {
		k := strings.ToLower(login)
		return nhi.Person{Platform: nhi.PlatformGitHub, Tenant: o.org, ExternalID: ownerID(login),
			Name: nhi.CleanText(login), Email: emails[k], Status: status, IsAdmin: admin}
	}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		if err := o.s.rep.person(ctx, person(members[k].login, nhi.PersonActive, members[k].admin)); err != nil {
			return err
		}
	}
	if !ok {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(referenced)) {
		if _, member := members[k]; member {
			continue
		}
		if err := o.s.rep.person(ctx, person(referenced[k], nhi.PersonDeparted, false)); err != nil {
			return err
		}
	}
	return nil
}
