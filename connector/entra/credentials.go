package entra

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// neverYear is the year from which an end date means "never expires": the portal and
// PowerShell write 2299 (or 9999) for credentials without an end.
const neverYear = 2299

// keyHolder is an object whose credentials are reported: an app registration or a
// service principal.
type keyHolder struct {
	objectID, appID, name string
	// origin is "application" or "service_principal", as appCredentialSignInActivities
	// names it.
	origin string
	scope  string
	facts  appFacts
	owners owned
}

// credentialIdentities converts the secrets and certificates of h, each into one
// KindAppCredential identity with ExternalID "<objectID>/<keyID>". lastUse returns the
// last sign-in with a key ID. bad counts credentials without a usable key ID, which are
// left out.
func credentialIdentities(tenant string, h keyHolder, pw []passwordCredential, keys []keyCredential,
	lastUse func(keyID string) time.Time, now time.Time) (ids []nhi.Identity, bad int) {
	active := 0
	for _, p := range pw {
		if end := parseTime(p.EndDateTime); end.IsZero() || end.After(now) {
			active++
		}
	}
	common := withAttrs(h.facts.attributes(), "credential_origin", h.origin,
		"owners_count", strconv.Itoa(h.owners.count), "active_secrets", strconv.Itoa(active))
	add := func(keyID, name string, c nhi.Credential, extra ...string) {
		if !validID(keyID) {
			bad++
			return
		}
		c.ID, c.LastUsedAt = keyID, lastUse(keyID)
		id := newIdentity(tenant, nhi.KindAppCredential, h.objectID+"/"+keyID)
		id.Name = nhi.CleanText(h.name + " / " + displayName(name, keyID))
		id.AppID, id.OwnerID, id.Scope = h.appID, h.owners.first, h.scope
		id.CreatedAt, id.ExpiresAt, id.LastUsedAt = c.CreatedAt, c.ExpiresAt, c.LastUsedAt
		id.Credentials = []nhi.Credential{c}
		id.Attributes = withAttrs(common, append([]string{"credential_type", c.Type}, extra...)...)
		ids = append(ids, id)
	}
	for _, p := range pw {
		add(p.KeyID, p.DisplayName, lifetime(nhi.Credential{Type: "client_secret"}, p.StartDateTime, p.EndDateTime))
	}
	for _, k := range keys {
		c := lifetime(nhi.Credential{Type: keyType(k.Type)}, k.StartDateTime, k.EndDateTime)
		if tp := thumbprint(k.CustomKeyIdentifier); tp != "" {
			c.Fingerprint = "sha1:" + tp
		}
		add(k.KeyID, k.DisplayName, c, "key_usage", shorten(nhi.CleanText(k.Usage), 32))
	}
	return ids, bad
}

// lifetime sets the start and end of c; an end in or after neverYear is NeverExpires.
func lifetime(c nhi.Credential, start, end string) nhi.Credential {
	c.CreatedAt = parseTime(start)
	if e := parseTime(end); e.Year() >= neverYear {
		c.NeverExpires = true
	} else {
		c.ExpiresAt = e
	}
	return c
}

// keyType names the type of a key credential.
func keyType(t string) string {
	switch t {
	case "AsymmetricX509Cert", "X509CertAndPassword":
		return "certificate"
	case "Symmetric":
		return "symmetric_key"
	}
	if t = strings.ToLower(shorten(nhi.CleanText(t), 32)); t != "" {
		return t
	}
	return "key"
}

// thumbprint returns a certificate's SHA-1 thumbprint in lowercase hex from its
// customKeyIdentifier, which Graph gives base64-encoded (some tools write the hex digits);
// "" when it is neither.
func thumbprint(cki string) string {
	if len(cki) == 40 {
		if b, err := hex.DecodeString(cki); err == nil {
			return hex.EncodeToString(b)
		}
	}
	if b, err := base64.StdEncoding.DecodeString(cki); err == nil && len(b) == 20 {
		return hex.EncodeToString(b)
	}
	return ""
}
