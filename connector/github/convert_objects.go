package github

import (
	"slices"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

// installationIdentity converts an app installation and returns it with its app. self
// marks the installation of nhi's own app.
func installationIdentity(org string, in installation, self bool) (nhi.Identity, *nhi.App) {
	ext := "installation/" + id(in.ID)
	out := newIdentity(org, nhi.KindIntegration, ext, in.AppSlug, scopeInstallations(org))
	out.AppID = clean(in.ClientID)
	if out.AppID == "" {
		out.AppID = "app/" + id(in.AppID) // an answer without a client ID still names the app
	}
	out.Permissions = permissions(in.Permissions)
	out.CreatedAt = ts(in.CreatedAt)
	events := make([]string, 0, len(in.Events))
	for _, e := range in.Events {
		events = append(events, clean(e))
	}
	slices.Sort(events)
	out.Attributes["app_slug"] = clean(in.AppSlug)
	out.Attributes["app_id"] = id(in.AppID)
	out.Attributes["repository_selection"] = clean(in.RepositorySelection)
	out.Attributes["events"] = strings.Join(events, ",")
	out.Attributes["suspended"] = boolAttr(in.SuspendedAt != nil && !in.SuspendedAt.IsZero())
	out.Attributes["last_used"] = lastUsedUnknown
	if self {
		out.Attributes["nhi_self"] = "true"
	}
	name := out.Name
	app := &nhi.App{Platform: nhi.PlatformGitHub, Tenant: org, ExternalID: out.AppID, Name: name}
	return out, app
}

// credentialIdentity converts a SAML credential authorization and returns it with the
// OAuth app of an OAuth app token; ok is false for a credential type nhi does not know.
func credentialIdentity(org string, ca credentialAuthorization) (out nhi.Identity, app *nhi.App, ok bool) {
	ext := "cred/" + id(ca.CredentialID)
	cred := nhi.Credential{ID: id(ca.AuthorizedCredentialID), CreatedAt: ts(ca.AuthorizedAt), LastUsedAt: ts(ca.AccessedAt)}
	switch ca.CredentialType {
	case credPAT:
		name := ca.Note
		if strings.TrimSpace(name) == "" {
			name = "personal access token " + lastFour(ca.TokenLastEight)
		}
		out = newIdentity(org, nhi.KindAPIKey, ext, name, scopeCredentials(org))
		out.Permissions = scopes(ca.Scopes)
		cred.Type, cred.Fingerprint = typeClassicPAT, lastFour(ca.TokenLastEight)
	case credSSH:
		out = newIdentity(org, nhi.KindAppCredential, ext, ca.Title, scopeCredentials(org))
		cred.Type, cred.Fingerprint = typeSSHKey, clean(ca.Fingerprint)
	case credOAuth:
		out = newIdentity(org, nhi.KindOAuthGrant, ext, ca.ApplicationName, scopeCredentials(org))
		out.Permissions = scopes(ca.Scopes)
		out.AppID = clean(ca.ApplicationClientID)
		cred.Type, cred.Fingerprint = typeOAuthToken, lastFour(ca.TokenLastEight)
		if out.AppID != "" {
			app = &nhi.App{Platform: nhi.PlatformGitHub, Tenant: org, ExternalID: out.AppID, Name: out.Name}
		}
	default:
		return out, nil, false
	}
	out.OwnerID = ownerID(ca.Login)
	out.CreatedAt, out.LastUsedAt = cred.CreatedAt, cred.LastUsedAt
	expiry(&out, &cred, ts(ca.ExpiresAt), ca.CredentialType == credPAT)
	out.Credentials = []nhi.Credential{cred}
	out.Attributes["credential_type"] = ca.CredentialType
	out.Attributes["login"] = clean(ca.Login)
	return out, app, true
}

// deployKeyIdentity converts a repository's deploy key.
func deployKeyIdentity(org, repo string, k *gh.Key) nhi.Identity {
	ext := repo + "/" + id(k.GetID())
	out := newIdentity(org, nhi.KindDeployKey, ext, k.GetTitle(), scopeDeployKeys(org, repo))
	out.OwnerID = ownerID(k.GetAddedBy())
	if k.GetReadOnly() {
		out.Permissions = []nhi.Permission{{Scope: "contents:read"}}
	} else {
		out.Permissions = []nhi.Permission{{Scope: "contents:write"}}
	}
	out.CreatedAt, out.LastUsedAt = ts(k.CreatedAt), ts(k.LastUsed)
	out.Credentials = []nhi.Credential{{ID: id(k.GetID()), Type: typeDeployKey, Fingerprint: keyFingerprint(k.GetKey()),
		CreatedAt: out.CreatedAt, LastUsedAt: out.LastUsedAt}}
	out.Attributes["repo"] = repo
	out.Attributes["read_only"] = boolAttr(k.GetReadOnly())
	out.Attributes["verified"] = boolAttr(k.GetVerified())
	return out
}

// hookIdentity converts an organization webhook. Only the scheme and host of its URL are
// kept.
func hookIdentity(org string, h *gh.Hook) nhi.Identity {
	ext := "hook/" + id(h.GetID())
	var cfg gh.HookConfig
	if h.Config != nil {
		cfg = *h.Config
	}
	host := destination(cfg.GetURL())
	name := host
	if name == "" {
		name = "webhook " + id(h.GetID())
	}
	out := newIdentity(org, nhi.KindWebhook, ext, name, scopeHooks(org))
	out.CreatedAt = ts(h.CreatedAt)
	events := make([]string, 0, len(h.Events))
	for _, e := range h.Events {
		events = append(events, clean(e))
	}
	slices.Sort(events)
	// The risk engine's webhook signals read destination_host (host and port) and
	// destination_scheme.
	if scheme, h, ok := strings.Cut(host, "://"); ok {
		out.Attributes["destination_scheme"], out.Attributes["destination_host"] = scheme, h
	}
	out.Attributes["events"] = strings.Join(events, ",")
	out.Attributes["active"] = boolAttr(h.GetActive())
	out.Attributes["insecure_ssl"] = boolAttr(cfg.GetInsecureSSL() == "1")
	out.Attributes["has_secret"] = boolAttr(cfg.GetSecret() != "")
	out.Attributes["content_type"] = clean(cfg.GetContentType())
	out.Attributes["last_used"] = lastUsedUnknown
	return out
}

// secretIdentity converts the metadata of an Actions secret of the organization (repo
// "") or of a repository.
func secretIdentity(org, repo string, s *gh.Secret) nhi.Identity {
	ext, scope := "secret/"+s.Name, scopeSecrets(org)
	if repo != "" {
		ext, scope = "secret/"+repo+"/"+s.Name, scopeRepoSecrets(org, repo)
	}
	out := newIdentity(org, nhi.KindAppCredential, ext, s.Name, scope)
	out.CreatedAt = ts(&s.CreatedAt)
	out.Credentials = []nhi.Credential{{ID: clean(s.Name), Type: typeActionsSecret, CreatedAt: out.CreatedAt}}
	if v := clean(s.Visibility); v != "" {
		out.Attributes["visibility"] = v
	}
	if repo != "" {
		out.Attributes["repo"] = repo
	}
	out.Attributes["last_used"] = lastUsedUnknown
	return out
}

// The scopes of a scan: each is completed only when its listing was read to the end.

func scopeInstallations(org string) string { return "installations:" + org }
func scopeTokens(org string) string        { return "tokens:" + org }
func scopeRequests(org string) string      { return "token-requests:" + org }
func scopeCredentials(org string) string   { return "credentials:" + org }
func scopeHooks(org string) string         { return "hooks:" + org }
func scopeSecrets(org string) string       { return "secrets:" + org }
func scopeDeployKeys(org, repo string) string {
	return "deploy-keys:" + org + "/" + repo
}
func scopeRepoSecrets(org, repo string) string {
	return "repo-secrets:" + org + "/" + repo
}
