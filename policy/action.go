package policy

import (
	"reflect"
	"slices"

	"github.com/nhiscope/nhi"
)

// stringsType is the Go type list(string) values convert to.
var stringsType = reflect.TypeFor[[]string]()

// build makes the actions one then entry proposes for the input: none when there is
// nothing to act on (no app for an app-wide action, no held scope or credential named).
func (ca *compiledAction) build(act *activation) ([]nhi.Action, error) {
	in := act.in
	id := &in.Identity
	base := nhi.Action{Type: ca.Type, Platform: id.Platform, Tenant: id.Tenant, IdentityID: id.ID, Kind: id.Kind,
		ExternalID: id.ExternalID, Name: id.Name, AppID: id.AppID, OwnerID: id.OwnerID, State: nhi.ActionPending}
	switch ca.Type {
	case nhi.ActionRevokeAppGrants, nhi.ActionUninstallApp:
		if id.AppID == "" {
			return nil, nil
		}
		name := in.App.Name
		if name == "" {
			name = id.Name
		}
		return []nhi.Action{{Type: ca.Type, Platform: id.Platform, Tenant: id.Tenant, AppID: id.AppID,
			Name: name, State: nhi.ActionPending}}, nil
	case nhi.ActionReduceScope:
		scopes, err := held(ca.scopes, act, id.Scopes())
		if err != nil || len(scopes) == 0 {
			return nil, err
		}
		base.Scopes = scopes
	case nhi.ActionRemoveCredential:
		return ca.removeCredentials(act, base)
	case nhi.ActionNotifyOwner:
		msg, err := ca.message.render(act)
		if err != nil {
			return nil, err
		}
		base.Message = msg
	}
	return []nhi.Action{base}, nil
}

// removeCredentials makes one action per credential the expression names and the
// identity holds.
func (ca *compiledAction) removeCredentials(act *activation, base nhi.Action) ([]nhi.Action, error) {
	var ids []string
	for _, c := range credentialsOf(&act.in.Identity) {
		ids = append(ids, c.ID)
	}
	creds, err := held(ca.credentials, act, ids)
	if err != nil {
		return nil, err
	}
	out := make([]nhi.Action, len(creds))
	for i, c := range creds {
		out[i] = base
		out[i].CredentialID = c
	}
	return out, nil
}

// held evaluates a list(string) expression and keeps the values that are in have, in the
// order of have, each once.
func held(prg *program, act *activation, have []string) ([]string, error) {
	v, err := prg.eval(act)
	if err != nil {
		return nil, err
	}
	native, err := v.ConvertToNative(stringsType)
	if err != nil {
		return nil, err
	}
	want, _ := native.([]string)
	var out []string
	for _, h := range have {
		if slices.Contains(want, h) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out, nil
}
