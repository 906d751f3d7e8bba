package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// changesFlags are the flags of nhi changes.
type changesFlags struct {
	platform, tenant, kind, since, output string
	limit                                 int
}

func (a *app) changesCmd() *cobra.Command {
	var f changesFlags
	cmd := &cobra.Command{
		Use:   "changes",
		Short: "Drift between scans: identities and apps added, scopes and credentials changed, people who left",
		Long: "changes lists what scans found changed in tenants scanned before, oldest first: new grants,\n" +
			"tokens and keys (identity.added), new apps (app.added), scopes or permissions changed\n" +
			"(permissions.changed), credentials added or removed (credentials.changed), people whose\n" +
			"status changed (person.status_changed) or who are gone from the directory (person.gone),\n" +
			"each with what it was before and after. A tenant's first scan records no change.",
		Example: "  nhi changes --since 7d\n  nhi changes --kind credentials.changed --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.listChanges(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "", "only this platform")
	fl.StringVar(&f.tenant, "tenant", "", "only this tenant")
	fl.StringVar(&f.kind, "kind", "", "only this kind of change")
	fl.StringVar(&f.since, "since", "", "only changes at or after this date or age (2026-11-01, 7d)")
	fl.StringVarP(&f.output, "output", "o", formatTable, "output format: table or json")
	fl.IntVar(&f.limit, "limit", 1000, "at most this many changes")
	return cmd
}

// changeKinds are the kinds nhi changes accepts.
var changeKinds = []nhi.ChangeKind{nhi.ChangeIdentityAdded, nhi.ChangePermissionsChanged, nhi.ChangeCredentialsChanged,
	nhi.ChangeAppAdded, nhi.ChangePersonStatus, nhi.ChangePersonGone}

func (a *app) listChanges(ctx context.Context, f changesFlags) error {
	if f.output != formatTable && f.output != formatJSON {
		return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", f.output)
	}
	filter := store.ChangeFilter{Platform: nhi.Platform(f.platform), Tenant: f.tenant, Kind: nhi.ChangeKind(f.kind)}
	if f.kind != "" && !containsKind(changeKinds, filter.Kind) {
		return nhi.Errorf(nhi.CodeInvalid, "--kind %q: want one of %s", f.kind, joinKinds(changeKinds))
	}
	since, err := parseBefore(f.since, time.Now())
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, "--since "+nhi.ErrorMessage(err))
	}
	filter.Since = since
	if f.limit <= 0 {
		return nhi.Errorf(nhi.CodeInvalid, "--limit must be positive")
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var all []nhi.Change
	for len(all) < f.limit {
		filter.Limit = min(store.MaxLimit, f.limit-len(all))
		page, err := db.ListChanges(ctx, filter)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if len(page) < filter.Limit {
			break
		}
		filter.After = page[len(page)-1].Seq
	}
	if f.output == formatJSON {
		enc := json.NewEncoder(a.stdout)
		for _, c := range all {
			if err := enc.Encode(c); err != nil {
				return err
			}
		}
		return nil
	}
	t := newTable(a.stdout)
	t.row("TIME", "PLATFORM", "TENANT", "CHANGE", "SUBJECT", "NAME", "BEFORE", "AFTER")
	for _, c := range all {
		t.row(stamp(c.At), string(c.Platform), c.Tenant, string(c.Kind), c.Subject, c.Name,
			strings.Join(c.Before, " "), strings.Join(c.After, " "))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "%d change(s)\n", len(all))
	return nil
}

func containsKind(ks []nhi.ChangeKind, k nhi.ChangeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func joinKinds(ks []nhi.ChangeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
