package entrasim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// passwordCredential is a client secret as Graph shows it: never its value.
type passwordCredential struct {
	CustomKeyIdentifier any    `json:"customKeyIdentifier"`
	DisplayName         any    `json:"displayName"`
	EndDateTime         any    `json:"endDateTime"`
	Hint                any    `json:"hint"`
	KeyID               string `json:"keyId"`
	SecretText          any    `json:"secretText"`
	StartDateTime       any    `json:"startDateTime"`
}

// keyCredential is a certificate as Graph lists it (key only on a single object's $select).
type keyCredential struct {
	CustomKeyIdentifier any    `json:"customKeyIdentifier"`
	DisplayName         any    `json:"displayName"`
	EndDateTime         any    `json:"endDateTime"`
	Key                 any    `json:"key"`
	KeyID               string `json:"keyId"`
	StartDateTime       any    `json:"startDateTime"`
	Type                string `json:"type"`
	Usage               string `json:"usage"`
}

// passwords renders client secrets.
func passwords(cs []estate.MSCredential) []passwordCredential {
	out := make([]passwordCredential, 0, len(cs))
	for _, c := range cs {
		out = append(out, passwordCredential{DisplayName: nullable(c.DisplayName), EndDateTime: ts(c.End),
			Hint: nullable(c.Hint), KeyID: c.KeyID, StartDateTime: ts(c.Start)})
	}
	return out
}

// keys renders certificates.
func keys(cs []estate.MSCredential) []keyCredential {
	out := make([]keyCredential, 0, len(cs))
	for _, c := range cs {
		typ, usage := c.Type, c.Usage
		if typ == "" {
			typ = "AsymmetricX509Cert"
		}
		if usage == "" {
			usage = "Verify"
		}
		out = append(out, keyCredential{CustomKeyIdentifier: nullable(strings.ToUpper(c.Thumbprint)),
			DisplayName: nullable(c.DisplayName), EndDateTime: ts(c.End), KeyID: c.KeyID,
			StartDateTime: ts(c.Start), Type: typ, Usage: usage})
	}
	return out
}

// verifiedPublisher is the verified publisher of an app; all null when unverified.
type verifiedPublisher struct {
	DisplayName         any `json:"displayName"`
	VerifiedPublisherID any `json:"verifiedPublisherId"`
	AddedDateTime       any `json:"addedDateTime"`
}

// publisher renders a verified publisher name, verified at the given time.
func publisher(name string, at time.Time) verifiedPublisher {
	if name == "" {
		return verifiedPublisher{}
	}
	sum := sha256.Sum256([]byte("publisher\x00" + name))
	id := fmt.Sprintf("%07d", binary.BigEndian.Uint32(sum[:4])%10_000_000)
	return verifiedPublisher{DisplayName: name, VerifiedPublisherID: id, AddedDateTime: ts(at)}
}

// requiredResourceAccess is what an app requests of one resource.
type requiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []resourceAccess `json:"resourceAccess"`
}

// resourceAccess is one requested permission: "Scope" (delegated) or "Role" (application).
type resourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// applicationFields renders an app registration.
func applicationFields(a *estate.MSApplication) []kv {
	req := make([]requiredResourceAccess, 0, len(a.Required))
	for _, r := range a.Required {
		acc := make([]resourceAccess, 0, len(r.Scopes)+len(r.Roles))
		for _, id := range r.Scopes {
			acc = append(acc, resourceAccess{ID: id, Type: "Scope"})
		}
		for _, id := range r.Roles {
			acc = append(acc, resourceAccess{ID: id, Type: "Role"})
		}
		req = append(req, requiredResourceAccess{ResourceAppID: r.ResourceAppID, ResourceAccess: acc})
	}
	return []kv{{"id", a.ObjectID}, {"deletedDateTime", nil}, {"appId", a.AppID}, {"createdDateTime", ts(a.Created)},
		{"description", nil}, {"displayName", a.DisplayName}, {"publisherDomain", nullable(a.PublisherDomain)},
		{"signInAudience", a.SignInAudience}, {"tags", []string{}},
		{"verifiedPublisher", publisher(a.VerifiedPublisher, a.Created)}, {"requiredResourceAccess", req},
		{"keyCredentials", keys(a.Keys)}, {"passwordCredentials", passwords(a.Passwords)}}
}

// guid derives a stable GUID-shaped ID from parts.
func guid(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
