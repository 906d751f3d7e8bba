package remediate

import (
	"slices"

	"github.com/nhiscope/nhi"
)

// NewPlan returns a plan of actions with its blast radius computed and every action
// pending. An enforce-mode plan that needs no approval is created approved; a dry-run plan
// is only ever proposed, since it cannot run.
func NewPlan(title string, reason nhi.Reason, mode nhi.PlanMode, approval bool, by string, actions []nhi.Action) nhi.Plan {
	acts := make([]nhi.Action, len(actions))
	for i, a := range actions {
		a.ID, a.State, a.Error = "", nhi.ActionPending, ""
		if a.Reason.Kind == "" {
			a.Reason = reason
		}
		acts[i] = a
	}
	state := nhi.PlanProposed
	if !approval && mode == nhi.ModeEnforce {
		state = nhi.PlanApproved
	}
	p := nhi.Plan{Title: title, Reason: reason, Mode: mode, RequiresApproval: approval,
		State: state, CreatedBy: by, Actions: acts, Blast: Blast(acts)}
	if state == nhi.PlanApproved {
		p.ApprovedBy = by
	}
	return p
}

// Blast computes what a list of actions touches: distinct identities, owners, apps and
// platforms.
func Blast(actions []nhi.Action) nhi.BlastRadius {
	ids, people, apps := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var platforms []nhi.Platform
	for _, a := range actions {
		if a.IdentityID != "" {
			ids[a.IdentityID] = true
		}
		if a.OwnerID != "" {
			people[string(a.Platform)+"/"+a.Tenant+"/"+a.OwnerID] = true
		}
		if a.AppID != "" {
			apps[string(a.Platform)+"/"+a.Tenant+"/"+a.AppID] = true
		}
		if !slices.Contains(platforms, a.Platform) {
			platforms = append(platforms, a.Platform)
		}
	}
	slices.Sort(platforms)
	return nhi.BlastRadius{Actions: len(actions), Identities: len(ids), People: len(people),
		Apps: len(apps), Platforms: platforms}
}

// ActionFor returns the action that takes away an identity's access on its platform:
// revoke a grant, disable a service account or bot, remove a key, uninstall an
// integration.
func ActionFor(id nhi.Identity) nhi.Action {
	t := nhi.ActionDisableIdentity
	switch id.Kind {
	case nhi.KindOAuthGrant:
		t = nhi.ActionRevokeGrant
	case nhi.KindIntegration, nhi.KindWebhook:
		t = nhi.ActionUninstallApp
	case nhi.KindAPIKey, nhi.KindDeployKey, nhi.KindAppCredential:
		t = nhi.ActionRemoveCredential
	}
	return Target(t, id)
}

// Target returns an action of type t on identity id, with the identity's fields copied.
func Target(t nhi.ActionType, id nhi.Identity) nhi.Action {
	return nhi.Action{Type: t, Platform: id.Platform, Tenant: id.Tenant, IdentityID: id.ID,
		Kind: id.Kind, ExternalID: id.ExternalID, Name: id.Name, AppID: id.AppID, OwnerID: id.OwnerID}
}
