package estate

import (
	"slices"
	"strconv"
	"time"

	"github.com/nhiscope/nhi"
)

// RiskCredentialNoExpiry is a personal access token (fine-grained, granted or requested,
// or classic through a SAML credential authorization) that never expires. SSH keys and OAuth app tokens have
// no expiry at all and are not labelled.
const RiskCredentialNoExpiry = "credential.no_expiry"

// LabelPlatformGitHub is the platform of the GitHub labels.
//
// The subject of a GitHub label is "<organization login>/<ExternalID>" with the
// connector's ExternalID of the labelled identity: "installation/<id>" for an app
// installation, "pat/<pat_id>" for a fine-grained token's access, "patreq/<id>" for a
// pending request for it, "cred/<credential_id>"
// for a SAML credential authorization and "<repo>/<key id>" for a deploy key.
const LabelPlatformGitHub = string(nhi.PlatformGitHub)

// IsCriticalGitHubScope reports whether a classic OAuth scope is critical by the
// generator's own list: those that take over the organization, its hooks or its
// repositories (admin:org, admin:enterprise, delete_repo, admin:org_hook,
// admin:repo_hook, site_admin).
func IsCriticalGitHubScope(scope string) bool {
	switch scope {
	case "admin:org", "admin:enterprise", "delete_repo", "admin:org_hook", "admin:repo_hook", "site_admin":
		return true
	}
	return false
}

// IsCriticalGitHubPermission reports whether a GitHub App or fine-grained token
// permission at level is critical by the generator's own list: write or admin on the
// permissions that administer the organization or its repositories, manage its members,
// tokens, roles, runners or webhooks, or reach secrets and workflows.
func IsCriticalGitHubPermission(perm, level string) bool {
	if level != "write" && level != "admin" {
		return false
	}
	switch perm {
	case "administration", "organization_administration", "members", "secrets", "organization_secrets",
		"workflows", "organization_personal_access_tokens", "environments", "organization_self_hosted_runners",
		"dependabot_secrets", "organization_custom_roles", "organization_hooks", "repository_hooks":
		return true
	}
	return false
}

// ghCriticalPerms reports whether any of perms is critical.
func ghCriticalPerms(perms ...map[string]string) bool {
	for _, m := range perms {
		for p, level := range m {
			if IsCriticalGitHubPermission(p, level) {
				return true
			}
		}
	}
	return false
}

// InstallationSubject returns the label subject of installation in.
func (gh *GitHub) InstallationSubject(in GHInstallation) string {
	return gh.Orgs[in.Org].Login + "/installation/" + strconv.FormatInt(in.ID, 10)
}

// TokenSubject returns the label subject of fine-grained token access t.
func (gh *GitHub) TokenSubject(t GHToken) string {
	return gh.Orgs[t.Org].Login + "/pat/" + strconv.FormatInt(t.ID, 10)
}

// RequestSubject returns the label subject of pending token request t.
func (gh *GitHub) RequestSubject(t GHToken) string {
	return gh.Orgs[t.Org].Login + "/patreq/" + strconv.FormatInt(t.ID, 10)
}

// CredentialSubject returns the label subject of credential authorization c.
func (gh *GitHub) CredentialSubject(c GHCredential) string {
	return gh.Orgs[c.Org].Login + "/cred/" + strconv.FormatInt(c.ID, 10)
}

// DeployKeySubject returns the label subject of deploy key k.
func (gh *GitHub) DeployKeySubject(k GHDeployKey) string {
	r := gh.Repos[k.Repo]
	return gh.Orgs[r.Org].Login + "/" + r.Name + "/" + strconv.FormatInt(k.ID, 10)
}

// githubLabels derives the ground-truth labels of the company's GitHub from its own
// data, with no engine code: the installations' first (in order), then the tokens', the
// pending requests', the credential authorizations' and the deploy keys'. Webhooks and
// Actions secrets get none (GitHub shows no last use of them, and they have no owner).
//   - app.suspicious: an installation of a suspicious app;
//   - owner.departed and owner.suspended: a token, request, credential or deploy key
//     whose owner (adder) is a person who left or is suspended, member or not;
//   - usage.stale: a token, credential or deploy key last used (or, never, granted or
//     created) more than StaleAfter ago;
//   - permission.critical: an installation or token holding a critical permission
//     (IsCriticalGitHubPermission), a credential a critical scope (IsCriticalGitHubScope);
//   - credential.no_expiry: a fine-grained token (granted or requested) or a classic
//     token that never expires.
func githubLabels(now time.Time, people []Person, gh *GitHub) []Label {
	var out []Label
	add := func(subject string, risks ...string) {
		for _, r := range risks {
			out = append(out, Label{r, LabelPlatformGitHub, subject})
		}
	}
	owner := func(u int32) []string {
		if p := gh.Users[u].Person; p >= 0 {
			switch people[p].Status {
			case Departed:
				return []string{RiskOwnerDeparted}
			case Suspended:
				return []string{RiskOwnerSuspended}
			}
		}
		return nil
	}
	when := func(ok bool, risk string) []string {
		if ok {
			return []string{risk}
		}
		return nil
	}
	for _, in := range gh.Installations {
		add(gh.InstallationSubject(in), slices.Concat(when(gh.Apps[in.App].Suspicious, RiskAppSuspicious),
			when(ghCriticalPerms(in.Permissions), RiskPermissionCritical))...)
	}
	for _, t := range gh.Tokens {
		add(gh.TokenSubject(t), slices.Concat(owner(t.Owner), when(staleSince(now, t.LastUsedAt, t.GrantedAt), RiskUsageStale),
			when(ghCriticalPerms(t.OrgPermissions, t.RepoPermissions), RiskPermissionCritical),
			when(t.ExpiresAt.IsZero(), RiskCredentialNoExpiry))...)
	}
	for _, t := range gh.Requests {
		add(gh.RequestSubject(t), slices.Concat(owner(t.Owner), when(t.ExpiresAt.IsZero(), RiskCredentialNoExpiry))...)
	}
	for _, c := range gh.Credentials {
		add(gh.CredentialSubject(c), slices.Concat(owner(c.User), when(staleSince(now, c.AccessedAt, c.AuthorizedAt), RiskUsageStale),
			when(slices.ContainsFunc(c.Scopes, IsCriticalGitHubScope), RiskPermissionCritical),
			when(c.Type == GHCredentialPAT && c.ExpiresAt.IsZero(), RiskCredentialNoExpiry))...)
	}
	for _, k := range gh.DeployKeys {
		level := "read"
		if !k.ReadOnly {
			level = "write"
		}
		add(gh.DeployKeySubject(k), slices.Concat(owner(k.AddedBy), when(staleSince(now, k.LastUsedAt, k.CreatedAt), RiskUsageStale),
			when(IsCriticalGitHubPermission("contents", level), RiskPermissionCritical))...)
	}
	return out
}
