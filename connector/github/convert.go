package github

import (
	"crypto/sha256"
	"encoding/base64"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

// The credential types of Credential.Type.
const (
	typeFineGrainedPAT = "fine_grained_pat"
	typeClassicPAT     = "classic_pat"
	typeSSHKey         = "ssh_key"
	typeOAuthToken     = "oauth_token"
	typeDeployKey      = "deploy_key"
	typeActionsSecret  = "actions_secret"
)

// lastUsedUnknown is the attribute of identities whose last use GitHub's REST API does
// not show, so that the risk engine does not call them stale.
const lastUsedUnknown = "unknown"

// newIdentity returns an identity of org with its ID, platform and clean name set.
func newIdentity(org string, k nhi.Kind, ext, name, scope string) nhi.Identity {
	name = shorten(nhi.CleanText(name), 200)
	if name == "" {
		name = ext
	}
	return nhi.Identity{ID: nhi.NewIdentityID(nhi.PlatformGitHub, org, k, ext), Platform: nhi.PlatformGitHub,
		Tenant: org, Kind: k, ExternalID: ext, Name: name, Scope: scope, Attributes: map[string]string{}}
}

// permissions returns "<perm>:<level>" of each map entry, sorted, for the maps given.
func permissions(ms ...map[string]string) []nhi.Permission {
	var out []string
	for _, m := range ms {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if p, v := clean(k), clean(m[k]); p != "" && v != "" {
				out = append(out, p+":"+v)
			}
		}
	}
	slices.Sort(out)
	return scopes(slices.Compact(out))
}

// scopes returns a permission per scope, cleaned.
func scopes(ss []string) []nhi.Permission {
	var out []nhi.Permission
	for _, s := range ss {
		if s = clean(s); s != "" {
			out = append(out, nhi.Permission{Scope: s})
		}
	}
	return out
}

// scopeList joins permissions for an attribute.
func scopeList(ps []nhi.Permission) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Scope
	}
	return strings.Join(out, ",")
}

// ownerID returns the person external ID of a login.
func ownerID(login string) string { return strings.ToLower(nhi.CleanText(login)) }

// id formats a numeric ID.
func id(n int64) string { return strconv.FormatInt(n, 10) }

// boolAttr formats a flag.
func boolAttr(b bool) string { return strconv.FormatBool(b) }

// lastFour returns the fingerprint of a token from its last characters: "…" and the last
// four, or "" when GitHub gave none.
func lastFour(lastEight string) string {
	lastEight = nhi.CleanText(lastEight)
	if len(lastEight) < 4 {
		return ""
	}
	return "…" + lastEight[len(lastEight)-4:]
}

// keyFingerprint returns the SHA256 fingerprint of an OpenSSH public key ("ssh-ed25519
// AAAA... comment") as ssh-keygen prints it, or "" when the key cannot be read.
func keyFingerprint(key string) string {
	f := strings.Fields(key)
	if len(f) < 2 {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil || len(raw) == 0 {
		return ""
	}
	sum := sha256.Sum256(raw)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// destination returns the scheme and host (with port) of a webhook URL: the path, query
// and user information can hold secrets and are never kept. It returns "" for a URL
// that cannot be read.
func destination(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.ToLower(u.Host)
	if strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]_") != "" {
		return "" // a host in Unicode or with odd characters could display as another one
	}
	return strings.ToLower(u.Scheme) + "://" + host
}

// expiry sets the credential's and identity's expiry; a personal access token without
// one never expires.
func expiry(id *nhi.Identity, cred *nhi.Credential, at time.Time, pat bool) {
	cred.ExpiresAt, id.ExpiresAt = at, at
	cred.NeverExpires = pat && at.IsZero()
}

// tokenIdentity converts a fine-grained token's access grant.
func tokenIdentity(org string, t *gh.PersonalAccessToken) nhi.Identity {
	ext := "pat/" + id(t.GetID())
	out := newIdentity(org, nhi.KindAPIKey, ext, t.GetTokenName(), scopeTokens(org))
	out.OwnerID = ownerID(t.GetOwner().GetLogin())
	if p := t.GetPermissions(); p != nil {
		out.Permissions = permissions(p.Org, p.Repo)
	}
	out.CreatedAt, out.LastUsedAt = ts(t.AccessGrantedAt), ts(t.TokenLastUsedAt)
	cred := nhi.Credential{ID: id(t.GetTokenID()), Type: typeFineGrainedPAT, CreatedAt: out.CreatedAt,
		LastUsedAt: out.LastUsedAt}
	expiry(&out, &cred, ts(t.TokenExpiresAt), true)
	out.Credentials = []nhi.Credential{cred}
	out.Attributes["token_id"] = id(t.GetTokenID())
	out.Attributes["repository_selection"] = clean(t.GetRepositorySelection())
	out.Attributes["token_expired"] = boolAttr(t.GetTokenExpired())
	return out
}

// requestIdentity converts a pending request of a fine-grained token.
func requestIdentity(org string, r *gh.FineGrainedPersonalAccessTokenRequest) nhi.Identity {
	ext := "patreq/" + id(r.ID)
	out := newIdentity(org, nhi.KindAPIKey, ext, r.TokenName, scopeRequests(org))
	out.OwnerID = ownerID(r.Owner.GetLogin())
	out.CreatedAt, out.LastUsedAt = ts(r.CreatedAt), ts(r.TokenLastUsedAt)
	cred := nhi.Credential{ID: id(r.TokenID), Type: typeFineGrainedPAT, CreatedAt: out.CreatedAt, LastUsedAt: out.LastUsedAt}
	expiry(&out, &cred, ts(r.TokenExpiresAt), true)
	out.Credentials = []nhi.Credential{cred}
	out.Attributes["request"] = "pending"
	out.Attributes["requested_permissions"] = scopeList(permissions(r.Permissions.Org, r.Permissions.Repo))
	out.Attributes["repository_selection"] = clean(r.RepositorySelection)
	out.Attributes["token_id"] = id(r.TokenID)
	if reason := clean(r.Reason); reason != "" {
		out.Attributes["reason"] = reason
	}
	return out
}
