package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

func (a *app) appsShowCmd() *cobra.Command {
	var platform, tenant string
	cmd := &cobra.Command{
		Use:   "show CLIENT_ID",
		Short: "Show one app: who granted it what, the reach of its scopes and its risk score",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.showApp(cmd.Context(), nhi.Platform(platform), tenant, args[0])
		},
	}
	cmd.Flags().StringVar(&platform, "platform", "", "the app's platform (needed only when several platforms have the ID)")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the app's tenant (needed only when several tenants have the app)")
	return cmd
}

func (a *app) showApp(ctx context.Context, p nhi.Platform, tenant, id string) error {
	path, err := a.inventoryPath()
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx, path, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if tenant == "" || p == "" {
		if p, tenant, err = appTenant(ctx, db, p, tenant, id); err != nil {
			return err
		}
	}
	app, err := db.App(ctx, p, tenant, id)
	if nhi.ErrorCode(err) == nhi.CodeNotFound {
		return nhi.WrapError(nhi.CodeNotFound, err, fmt.Sprintf("no app %q on %s (list them with: nhi apps list)", nhi.CleanText(id), p))
	}
	if err != nil {
		return err
	}
	in, err := appInput(ctx, db, app)
	if err != nil {
		return err
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return err
	}
	all, err := loadApps(ctx, db, app.Platform, cat)
	if err != nil {
		return err
	}
	peers := make([]nhi.App, 0, len(all))
	for _, r := range all {
		if r.Tenant == app.Tenant {
			peers = append(peers, r.App)
		}
	}
	in.Collision = risk.NameCollisions(peers)[app.ExternalID]
	engine, err := a.newEngine(path)
	if err != nil {
		return err
	}
	t := newTable(a.stdout)
	t.row("App", app.Name)
	t.row("Client ID", app.ExternalID)
	t.row("Platform", string(app.Platform)+" (tenant "+app.Tenant+")")
	t.row("Users", count(int64(app.Users)))
	t.row("Granted by admins", count(int64(in.Admins)))
	t.row("Owners suspended/departed", fmt.Sprintf("%d/%d", in.Owners[nhi.PersonSuspended], in.Owners[nhi.PersonDeparted]))
	t.row("First seen", stamp(app.FirstSeen))
	if err := t.flush(); err != nil {
		return err
	}
	if err := writePermissions(a.stdout, nhi.Identity{Platform: app.Platform, Permissions: scopesAsPermissions(app.Scopes)}, cat); err != nil {
		return err
	}
	return writeScore(a.stdout, engine.ScoreApp(in))
}

// appTenant finds the platform and tenant of an app by its ID: the first that has an
// identity of it (p and tenant narrow the search when set).
func appTenant(ctx context.Context, db store.Store, p nhi.Platform, tenant, id string) (nhi.Platform, string, error) {
	page, err := db.ListIdentities(ctx, store.IdentityFilter{Platform: p, Tenant: tenant, AppID: id, Limit: 1})
	if err != nil {
		return "", "", err
	}
	if len(page.Items) == 0 {
		return "", "", nhi.Errorf(nhi.CodeNotFound, "no app %q holds any identity (list them with: nhi apps list)", nhi.CleanText(id))
	}
	return page.Items[0].Platform, page.Items[0].Tenant, nil
}

// appInput tallies what the app signals need from the app's identities and their owners.
func appInput(ctx context.Context, db store.Store, app nhi.App) (*risk.AppInput, error) {
	in := &risk.AppInput{App: app, Owners: map[nhi.PersonStatus]int{}, Now: time.Now()}
	owners := newOwnerCache(db)
	f := store.IdentityFilter{Platform: app.Platform, Tenant: app.Tenant, AppID: app.ExternalID}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return db.ListIdentities(ctx, f)
	}, func(id nhi.Identity) error {
		p, err := owners.get(ctx, id)
		if err != nil {
			return err
		}
		if p.ExternalID == "" {
			in.AddIdentity(&id, nil)
		} else {
			in.AddIdentity(&id, &p)
		}
		return nil
	})
	return in, err
}

func scopesAsPermissions(scopes []string) []nhi.Permission {
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	out := make([]nhi.Permission, len(s))
	for i, x := range s {
		out[i] = nhi.Permission{Scope: x}
	}
	return out
}
