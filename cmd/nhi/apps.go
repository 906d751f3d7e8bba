package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

func (a *app) appsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apps",
		Short: "List the third-party apps that hold identities",
	}
	var platform, sortBy, output string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List apps with their users and the reach of their scopes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.listApps(cmd.Context(), nhi.Platform(platform), sortBy, output, limit)
		},
	}
	list.Flags().StringVar(&platform, "platform", "", "only this platform")
	list.Flags().StringVar(&sortBy, "sort", "users", "order: users (most users first), risk (most dangerous scopes first) or name")
	list.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table, json or csv")
	list.Flags().IntVar(&limit, "limit", 0, "at most this many apps; 0 for all")
	cmd.AddCommand(list, a.appsShowCmd())
	return cmd
}

// rankedApp is an app with the reach of its scopes.
type rankedApp struct {
	nhi.App
	Reach risk.Reach `json:"-"`
	// MaxTier is the highest tier of the app's scopes, for JSON output.
	MaxTier string `json:"max_tier"`
}

// loadApps reads every app of a platform (all platforms if empty) with its reach.
func loadApps(ctx context.Context, db store.Store, p nhi.Platform, cat *risk.Catalogue) ([]rankedApp, error) {
	var out []rankedApp
	f := store.AppFilter{Platform: p, Sort: store.AppsByUsers}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		f.Limit, f.After = lim, after
		return db.ListApps(ctx, f)
	}, func(app nhi.App) error {
		r := cat.Assess(app.Platform, app.Scopes)
		out = append(out, rankedApp{App: app, Reach: r, MaxTier: r.Max.String()})
		return nil
	})
	return out, err
}

// sortApps orders apps: by users, by risk (reach, then users), or by name.
func sortApps(apps []rankedApp, by string) error {
	switch by {
	case "users":
		sort.SliceStable(apps, func(i, j int) bool { return apps[i].Users > apps[j].Users })
	case "risk":
		sort.SliceStable(apps, func(i, j int) bool {
			if apps[i].Reach.Less(apps[j].Reach) != apps[j].Reach.Less(apps[i].Reach) {
				return apps[j].Reach.Less(apps[i].Reach)
			}
			return apps[i].Users > apps[j].Users
		})
	case "name":
		sort.SliceStable(apps, func(i, j int) bool { return strings.ToLower(apps[i].Name) < strings.ToLower(apps[j].Name) })
	default:
		return nhi.Errorf(nhi.CodeInvalid, "--sort %q: want users, risk or name", by)
	}
	return nil
}

func (a *app) listApps(ctx context.Context, p nhi.Platform, by, output string, limit int) error {
	if err := checkFormat(output); err != nil {
		return err
	}
	if err := sortApps(nil, by); err != nil {
		return err
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return err
	}
	apps, err := loadApps(ctx, db, p, cat)
	if err != nil {
		return err
	}
	_ = sortApps(apps, by)
	if limit > 0 && len(apps) > limit {
		apps = apps[:limit]
	}
	return writeApps(a, apps, output)
}

func writeApps(a *app, apps []rankedApp, output string) error {
	if output == formatJSON {
		arr := newJSONArray(a.stdout)
		for _, app := range apps {
			if err := arr.add(app); err != nil {
				return err
			}
		}
		return arr.close()
	}
	var rows rowWriter = newTable(a.stdout)
	if output == formatCSV {
		rows = newCSV(a.stdout)
		rows.row("platform", "app_id", "name", "users", "identities", "max_tier", "critical_scopes", "high_scopes", "scopes")
	} else {
		rows.row("APP", "CLIENT ID", "USERS", "MAX TIER", "CRITICAL/HIGH", "TOP SCOPES")
	}
	for _, app := range apps {
		r := app.Reach
		if output == formatCSV {
			rows.row(string(app.Platform), app.ExternalID, app.Name, fmt.Sprint(app.Users), fmt.Sprint(app.Identities),
				r.Max.String(), fmt.Sprint(r.ByTier[risk.TierCritical]), fmt.Sprint(r.ByTier[risk.TierHigh]),
				strings.Join(app.Scopes, " "))
			continue
		}
		rows.row(app.Name, app.ExternalID, count(int64(app.Users)), strings.ToUpper(r.Max.String()),
			fmt.Sprintf("%d/%d", r.ByTier[risk.TierCritical], r.ByTier[risk.TierHigh]), shortScopes(r.Top, 2))
	}
	return rows.flush()
}

// shortScopes shows at most n scopes without Google's URL prefix.
func shortScopes(scopes []string, n int) string {
	var out []string
	for i, s := range scopes {
		if i == n {
			out = append(out, fmt.Sprintf("+%d", len(scopes)-n))
			break
		}
		s = strings.TrimPrefix(s, "https://www.googleapis.com/auth/")
		s = strings.TrimSuffix(strings.TrimPrefix(s, "https://"), "/")
		out = append(out, s)
	}
	return strings.Join(out, " ")
}
