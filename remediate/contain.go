package remediate

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// ContainTarget names whose access the kill switch takes away: every app of a vendor
// (matched by the vendor's or the app's exact name, ignoring case) or one app by its
// platform ID on every platform it appears on.
type ContainTarget struct {
	Vendor string
	AppID  string
}

// Contain builds the vendor kill-switch plan: for every app that matches t, on every
// platform and tenant in the inventory, an action taking away each present identity of
// the app, and then, where the tenant's connector can, an app-wide revocation that also
// catches grants given since the last scan. The plan is in enforce mode and needs
// approval. It fails with CodeNotFound when no app matches.
func Contain(ctx context.Context, st store.Store, targets Targets, t ContainTarget, by string) (nhi.Plan, error) {
	apps, err := matchApps(ctx, st, t)
	if err != nil {
		return nhi.Plan{}, err
	}
	var actions []nhi.Action
	for _, app := range apps {
		_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
			return st.ListIdentities(ctx, store.IdentityFilter{Platform: app.Platform, Tenant: app.Tenant,
				AppID: app.ExternalID, Limit: lim, After: after})
		}, func(id nhi.Identity) error {
			actions = append(actions, ActionFor(id))
			return nil
		})
		if err != nil {
			return nhi.Plan{}, fmt.Errorf("contain: identities of %s: %w", app.ExternalID, err)
		}
		rem, ok := targets[Tenant{app.Platform, app.Tenant}]
		if ok && rem.Supports(nhi.ActionRevokeAppGrants, "") {
			actions = append(actions, nhi.Action{Type: nhi.ActionRevokeAppGrants, Platform: app.Platform,
				Tenant: app.Tenant, AppID: app.ExternalID, Name: app.Name})
		}
	}
	what := t.AppID
	if t.Vendor != "" {
		what = t.Vendor
	}
	reason := nhi.Reason{Kind: nhi.ReasonPerson, Person: by, Text: "vendor kill switch: contain " + what}
	title := fmt.Sprintf("Contain %s: %d apps, %d actions", nhi.CleanText(what), len(apps), len(actions))
	return NewPlan(title, reason, nhi.ModeEnforce, true, by, actions), nil
}

// matchApps returns the apps t names, across every platform and tenant.
func matchApps(ctx context.Context, st store.Store, t ContainTarget) ([]nhi.App, error) {
	if (t.Vendor == "") == (t.AppID == "") {
		return nil, nhi.Errorf(nhi.CodeInvalid, "name exactly one of a vendor or an app ID")
	}
	var out []nhi.App
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		return st.ListApps(ctx, store.AppFilter{Sort: store.AppsByName, Limit: lim, After: after})
	}, func(a nhi.App) error {
		if t.AppID != "" && a.ExternalID == t.AppID ||
			t.Vendor != "" && (strings.EqualFold(a.Vendor, t.Vendor) || strings.EqualFold(a.Name, t.Vendor)) {
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contain: listing apps: %w", err)
	}
	if len(out) == 0 {
		what := "app " + t.AppID
		if t.Vendor != "" {
			what = "vendor " + t.Vendor
		}
		return nil, nhi.Errorf(nhi.CodeNotFound, "no %s in the inventory (nhi apps list shows the apps; names match exactly, ignoring case)", nhi.CleanText(what))
	}
	return out, nil
}

// Revoke builds the plan a person asks for with nhi revoke: take away one identity's
// access. The plan is in enforce mode and approved by the person who asked.
func Revoke(ctx context.Context, st store.Store, identityID, by, why string) (nhi.Plan, error) {
	id, err := st.Identity(ctx, identityID)
	if err != nil {
		return nhi.Plan{}, err
	}
	if !id.GoneAt.IsZero() {
		return nhi.Plan{}, nhi.Errorf(nhi.CodeConflict, "identity %s has been gone since %s; there is nothing to revoke",
			identityID, id.GoneAt.UTC().Format("2006-01-02 15:04"))
	}
	if why == "" {
		why = "requested by " + by
	}
	reason := nhi.Reason{Kind: nhi.ReasonPerson, Person: by, Text: why}
	title := fmt.Sprintf("Revoke %s (%s)", nhi.CleanText(id.Name), id.ID)
	return NewPlan(title, reason, nhi.ModeEnforce, false, by, []nhi.Action{ActionFor(id)}), nil
}
