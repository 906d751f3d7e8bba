package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

func (a *app) inventoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inventory",
		Short: "List and inspect the non-human identities in the inventory",
	}
	cmd.AddCommand(a.inventoryListCmd(), a.inventoryShowCmd())
	return cmd
}

type listFlags struct {
	platform, kind, app, owner, ownerStatus, before, output string
	includeGone                                             bool
	limit                                                   int
}

func (a *app) inventoryListCmd() *cobra.Command {
	var f listFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List identities, with filters",
		Example: "  nhi inventory list --kind oauth_grant --owner-status departed\n" +
			"  nhi inventory list --app 123-abc.apps.googleusercontent.com --output csv\n" +
			"  nhi inventory list --last-used-before 90d --output json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.listIdentities(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "", "only this platform (google_workspace, ...)")
	fl.StringVar(&f.kind, "kind", "", "only this kind (oauth_grant, service_account, api_key, ...)")
	fl.StringVar(&f.app, "app", "", "only identities of this app (its client ID)")
	fl.StringVar(&f.owner, "owner", "", "only identities owned by this person (email or ID)")
	fl.StringVar(&f.ownerStatus, "owner-status", "", "only identities whose owner is active, suspended, departed or unknown")
	fl.StringVar(&f.before, "last-used-before", "", "only identities last used before this date or age (2026-01-31, 90d), or never")
	fl.BoolVar(&f.includeGone, "include-gone", false, "include identities no longer present")
	fl.StringVarP(&f.output, "output", "o", formatTable, "output format: table, json or csv")
	fl.IntVar(&f.limit, "limit", -1, "at most this many rows; 0 for all (default: 100 for table, all otherwise)")
	return cmd
}

// filter turns the flags into a store filter, reporting every bad flag at once.
func (f listFlags) filter(now time.Time) (store.IdentityFilter, error) {
	var errs []string
	flt := store.IdentityFilter{Platform: nhi.Platform(f.platform), Kind: nhi.Kind(f.kind),
		AppID: f.app, Owner: f.owner, OwnerStatus: nhi.PersonStatus(f.ownerStatus), IncludeGone: f.includeGone}
	if f.kind != "" && !flt.Kind.Valid() {
		errs = append(errs, fmt.Sprintf("--kind %q: want one of %s", f.kind, kindList()))
	}
	if f.ownerStatus != "" && !flt.OwnerStatus.Valid() {
		errs = append(errs, fmt.Sprintf("--owner-status %q: want active, suspended, departed or unknown", f.ownerStatus))
	}
	if f.platform != "" {
		if _, ok := platformByName(flt.Platform); !ok {
			errs = append(errs, fmt.Sprintf("--platform %q: want one of %s", f.platform, strings.Join(platformNames(), ", ")))
		}
	}
	t, err := parseBefore(f.before, now)
	if err != nil {
		errs = append(errs, "--last-used-before "+nhi.ErrorMessage(err))
	}
	flt.LastUsedBefore = t
	if err := checkFormat(f.output); err != nil {
		errs = append(errs, nhi.ErrorMessage(err))
	}
	if len(errs) > 0 {
		return flt, nhi.Errorf(nhi.CodeInvalid, "%s", strings.Join(errs, "; "))
	}
	return flt, nil
}

func kindList() string {
	var s []string
	for _, k := range nhi.Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func (a *app) listIdentities(ctx context.Context, f listFlags) error {
	now := time.Now()
	flt, err := f.filter(now)
	if err != nil {
		return err
	}
	limit := rowLimit(f.limit, f.output)
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	owners := newOwnerCache(db)
	row := func(id nhi.Identity, csv bool) ([]string, error) {
		owner, err := owners.get(ctx, id)
		if err != nil {
			return nil, err
		}
		if csv {
			return []string{id.ID, string(id.Platform), id.Tenant, string(id.Kind), id.Name, id.AppID,
				owner.Email, string(owner.Status), strings.Join(id.Scopes(), " "),
				stamp(id.CreatedAt), stamp(id.LastUsedAt), stamp(id.ExpiresAt), stamp(id.FirstSeen), stamp(id.GoneAt)}, nil
		}
		return []string{id.ID, string(id.Kind), id.Name, owner.Email, string(owner.Status),
			fmt.Sprint(len(id.Permissions)), ago(now, id.LastUsedAt)}, nil
	}
	out := newListOutput(a, f.output, "no identities match", identityHeader, row)
	return printList(a, out, limit, func(lim int, after string) (store.Page[nhi.Identity], error) {
		flt.Limit, flt.After = lim, after
		return db.ListIdentities(ctx, flt)
	})
}

func identityHeader(csv bool) []string {
	if csv {
		return []string{"id", "platform", "tenant", "kind", "name", "app_id", "owner_email", "owner_status",
			"scopes", "created_at", "last_used_at", "expires_at", "first_seen", "gone_at"}
	}
	return []string{"ID", "KIND", "NAME", "OWNER", "STATUS", "SCOPES", "LAST USED"}
}

// ownerCache looks up the owners of identities once each.
type ownerCache struct {
	db store.Store
	m  map[string]nhi.Person
}

func newOwnerCache(db store.Store) *ownerCache {
	return &ownerCache{db: db, m: map[string]nhi.Person{}}
}

// get returns the owner of id, or a Person with status unknown.
func (c *ownerCache) get(ctx context.Context, id nhi.Identity) (nhi.Person, error) {
	if id.OwnerID == "" {
		return nhi.Person{}, nil
	}
	k := string(id.Platform) + "\x00" + id.Tenant + "\x00" + id.OwnerID
	if p, ok := c.m[k]; ok {
		return p, nil
	}
	p, err := c.db.Person(ctx, id.Platform, id.Tenant, id.OwnerID)
	switch {
	case nhi.ErrorCode(err) == nhi.CodeNotFound:
		p = nhi.Person{ExternalID: id.OwnerID, Email: id.OwnerID, Status: nhi.PersonUnknown}
	case err != nil:
		return p, err
	}
	c.m[k] = p
	return p, nil
}

func (a *app) inventoryShowCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one identity in full: permissions with their risk tier, owner, app, usage",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.showIdentity(cmd.Context(), args[0], output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table or json")
	return cmd
}

func (a *app) showIdentity(ctx context.Context, id, output string) error {
	if output != formatTable && output != formatJSON {
		return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", output)
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ident, err := db.Identity(ctx, id)
	if nhi.ErrorCode(err) == nhi.CodeNotFound {
		return nhi.WrapError(nhi.CodeNotFound, err, fmt.Sprintf("no identity %q (list them with: nhi inventory list)", nhi.CleanText(id)))
	}
	if err != nil {
		return err
	}
	if output == formatJSON {
		arr := newJSONArray(a.stdout)
		arr.enc.SetIndent("", "  ")
		return arr.enc.Encode(ident)
	}
	owner, err := newOwnerCache(db).get(ctx, ident)
	if err != nil {
		return err
	}
	app, err := db.App(ctx, ident.Platform, ident.Tenant, ident.AppID)
	if err != nil && nhi.ErrorCode(err) != nhi.CodeNotFound {
		return err
	}
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return err
	}
	now := time.Now()
	if err := writeIdentity(a.stdout, ident, owner, app, cat, now); err != nil {
		return err
	}
	path, err := a.inventoryPath()
	if err != nil {
		return err
	}
	engine, err := a.newEngine(path)
	if err != nil {
		return err
	}
	in := risk.IdentityInput{Identity: ident, Now: now}
	if owner.ExternalID != "" {
		in.Owner = &owner
	}
	if app.ExternalID != "" {
		in.App = &app
	}
	return writeScore(a.stdout, engine.ScoreIdentity(&in))
}
