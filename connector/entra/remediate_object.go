package entra

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// The documented calls remediation makes on service principals and app registrations.
const (
	callGetSP           = "GET /v1.0/servicePrincipals/{id}"
	callPatchSP         = "PATCH /v1.0/servicePrincipals/{id}"
	callGetApp          = "GET /v1.0/applications/{id}"
	callRemoveAppSecret = "POST /v1.0/applications/{id}/removePassword"
	callRemoveSPSecret  = "POST /v1.0/servicePrincipals/{id}/removePassword"
)

// The $select of the reads of one object.
const (
	spRemSelect  = "id,appId,appOwnerOrganizationId,accountEnabled,passwordCredentials,keyCredentials"
	appRemSelect = "id,appId,passwordCredentials,keyCredentials"
)

// holder is a service principal or app registration as remediation reads it.
type holder struct {
	sp bool
	// set is the Graph collection holding it, "servicePrincipals" or "applications".
	set            string
	appID, owner   string
	enabled        *bool
	passwords, kys []string
}

// readSP reads service principal id; gone says Graph answered its 404. Errors are mapped.
func (c *Connector) readSP(ctx context.Context, g *graph, id string) (holder, bool, error) {
	var sp servicePrincipal
	err := g.get(ctx, "v1.0/servicePrincipals/"+escape(id)+"?$select="+spRemSelect, &sp)
	if isGone(err) {
		return holder{}, true, nil
	}
	if err != nil {
		return holder{}, false, c.remError(err, resSPs, PermissionApplicationWrite)
	}
	h := holder{sp: true, set: resSPs, appID: sp.AppID, owner: sp.AppOwnerOrganizationID, enabled: sp.AccountEnabled}
	h.passwords, h.kys = keyIDs(sp.PasswordCredentials, sp.KeyCredentials)
	return h, false, nil
}

// readHolder reads the app registration with object ID id or, when there is none, the
// service principal; gone says neither exists.
func (c *Connector) readHolder(ctx context.Context, g *graph, id string) (holder, bool, error) {
	var app application
	err := g.get(ctx, "v1.0/applications/"+escape(id)+"?$select="+appRemSelect, &app)
	if isGone(err) {
		return c.readSP(ctx, g, id)
	}
	if err != nil {
		return holder{}, false, c.remError(err, resApps, PermissionApplicationWrite)
	}
	h := holder{set: resApps, appID: app.AppID}
	h.passwords, h.kys = keyIDs(app.PasswordCredentials, app.KeyCredentials)
	return h, false, nil
}

// keyIDs returns the key IDs of secrets and of certificates.
func keyIDs(pw []passwordCredential, keys []keyCredential) (secrets, certs []string) {
	for _, p := range pw {
		secrets = append(secrets, p.KeyID)
	}
	for _, k := range keys {
		certs = append(certs, k.KeyID)
	}
	return secrets, certs
}

// holds reports whether keys holds key, without regard to case.
func holds(keys []string, key string) bool {
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// refuseSelf refuses acting on an object of nhi's own app, or of Microsoft's.
func (c *Connector) refuseSelf(h holder, id string) error {
	if strings.EqualFold(h.appID, c.cfg.ClientID) {
		return nhi.Errorf(nhi.CodeInvalid, "entra: object %s belongs to nhi's own app (%s); nhi never acts on it", id, c.describe())
	}
	if h.sp && containsFold(microsoftTenants(), h.owner) {
		return nhi.Errorf(nhi.CodeInvalid, "entra: service principal %s is one of Microsoft's first-party apps; nhi does not disable it", id)
	}
	return nil
}

// disableSP reads the service principal t names and disables it (PATCH
// {"accountEnabled": false}) unless it is already disabled or gone (AlreadyDone).
func (c *Connector) disableSP(ctx context.Context, g *graph, t remTarget) (connector.Outcome, error) {
	out := connector.Outcome{Call: callGetSP}
	h, gone, err := c.readSP(ctx, g, t.object)
	if err != nil {
		return out, fmt.Errorf("entra: read service principal %s: %w", t.object, err)
	}
	if gone || (h.enabled != nil && !*h.enabled) {
		out.AlreadyDone = true
		return out, nil
	}
	if err := c.refuseSelf(h, t.object); err != nil {
		return out, err
	}
	out.Call += "; " + callPatchSP
	err = g.send(ctx, "PATCH", "v1.0/servicePrincipals/"+escape(t.object), map[string]bool{"accountEnabled": false})
	switch {
	case isGone(err):
		out.AlreadyDone = true
	case err != nil:
		return out, fmt.Errorf("entra: disable service principal %s: %w", t.object, c.remError(err, resSPs, PermissionApplicationWrite))
	default:
		out.Changed = 1
	}
	return out, nil
}

// verifySP re-reads the service principal t names: gone when Graph answers 404 or it is
// disabled.
func (c *Connector) verifySP(ctx context.Context, g *graph, t remTarget) (connector.Verification, error) {
	h, gone, err := c.readSP(ctx, g, t.object)
	switch {
	case err != nil:
		return connector.Verification{}, fmt.Errorf("entra: verify service principal %s: %w", t.object, err)
	case gone:
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s answers 404: service principal %s is gone", callGetSP, t.object)}, nil
	case h.enabled != nil && !*h.enabled:
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s shows service principal %s disabled", callGetSP, t.object)}, nil
	}
	return connector.Verification{Remaining: 1, Detail: fmt.Sprintf("%s shows service principal %s enabled", callGetSP, t.object)}, nil
}

// removeSecret reads the app registration (or service principal) t names and removes the
// client secret t.key with removePassword. A secret already absent is AlreadyDone; a
// certificate is refused: Graph removes those only by rewriting keyCredentials or with a
// proof of possession, which nhi does not do.
func (c *Connector) removeSecret(ctx context.Context, g *graph, t remTarget) (connector.Outcome, error) {
	out := connector.Outcome{Call: callGetApp}
	h, gone, err := c.readHolder(ctx, g, t.object)
	if err != nil {
		return out, fmt.Errorf("entra: read credentials of %s: %w", t.object, err)
	}
	if err := c.refuseSelf(holder{appID: h.appID}, t.object); err != nil {
		return out, err
	}
	switch {
	case holds(h.kys, t.key):
		return out, nhi.Errorf(nhi.CodeInvalid, "entra: credential %s of %s is a certificate; nhi removes only client "+
			"secrets (remove the certificate in the Entra admin center)", t.key, t.object)
	case gone || !holds(h.passwords, t.key):
		out.AlreadyDone = true
		return out, nil
	}
	out.Call += "; " + callRemoveAppSecret
	if h.sp {
		out.Call = callGetApp + "; " + callGetSP + "; " + callRemoveSPSecret
	}
	err = g.send(ctx, "POST", "v1.0/"+h.set+"/"+escape(t.object)+"/removePassword", map[string]string{"keyId": t.key})
	switch {
	case isGone(err):
		out.AlreadyDone = true
	case err != nil:
		return out, fmt.Errorf("entra: remove secret %s of %s: %w", t.key, t.object, c.remError(err, h.set, PermissionApplicationWrite))
	default:
		out.Changed = 1
	}
	return out, nil
}

// verifySecret re-reads the object t names: gone when neither it nor the key ID is there.
func (c *Connector) verifySecret(ctx context.Context, g *graph, t remTarget) (connector.Verification, error) {
	h, gone, err := c.readHolder(ctx, g, t.object)
	switch {
	case err != nil:
		return connector.Verification{}, fmt.Errorf("entra: verify credential %s of %s: %w", t.key, t.object, err)
	case gone:
		return connector.Verification{Gone: true, Detail: fmt.Sprintf("%s and %s answer 404: object %s is gone",
			callGetApp, callGetSP, t.object)}, nil
	case holds(h.passwords, t.key) || holds(h.kys, t.key):
		return connector.Verification{Remaining: 1, Detail: fmt.Sprintf("GET /v1.0/%s/{id} shows %s still holds credential %s",
			h.set, t.object, t.key)}, nil
	}
	return connector.Verification{Gone: true, Detail: fmt.Sprintf("GET /v1.0/%s/{id} shows %s without credential %s",
		h.set, t.object, t.key)}, nil
}
