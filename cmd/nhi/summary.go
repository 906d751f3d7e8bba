package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// summaryTop is how many apps each ranking of the summary shows.
const summaryTop = 5

// summarize prints what a security engineer wants first after a scan: identities per
// platform and kind, the apps with the most users and with the most dangerous scopes,
// the identities of people who are gone, and the commands to dig further.
func (a *app) summarize(ctx context.Context, db store.Store, dbPath string, kept bool) error {
	counts, err := db.Counts(ctx)
	if err != nil {
		return err
	}
	total := 0
	w := a.stdout
	fmt.Fprintln(w, "\nNon-human identities by platform and kind:")
	t := newIndentedTable(w)
	for _, c := range counts {
		t.row(string(c.Platform), string(c.Kind), count(int64(c.Count)))
		total += c.Count
	}
	t.row("total", "", count(int64(total)))
	t.flush()
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return err
	}
	apps, err := loadApps(ctx, db, "", cat)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThird-party apps: %d. Most users:\n", len(apps))
	_ = sortApps(apps, "users")
	writeTop(a, apps)
	fmt.Fprintln(w, "\nMost dangerous scopes:")
	_ = sortApps(apps, "risk")
	writeTop(a, apps)
	if err := a.offboardingDebt(ctx, db); err != nil {
		return err
	}
	if err := a.findingsSummary(ctx, db); err != nil {
		return err
	}
	first, err := a.plansSummary(ctx, db)
	if err != nil {
		return err
	}
	a.nextSteps(ctx, db, dbPath, kept, apps)
	switch {
	case first != "" && kept:
		fmt.Fprintf(w, "  %s plan show --db %s %s\n", self(), shellQuote(dbPath), first)
		fmt.Fprintf(w, "  %s apply --db %s %s      # a dry run: nothing changes without --execute\n", self(), shellQuote(dbPath), first)
	case first != "":
		fmt.Fprintf(w, "  %s plan list --db nhi-demo.db\n", self())
	}
	return nil
}

func writeTop(a *app, apps []rankedApp) {
	t := newIndentedTable(a.stdout)
	t.row("APP", "USERS", "MAX TIER", "CRITICAL/HIGH", "TOP SCOPES")
	for i, app := range apps {
		if i == summaryTop {
			break
		}
		r := app.Reach
		t.row(app.Name, count(int64(app.Users)), strings.ToUpper(r.Max.String()),
			fmt.Sprintf("%d/%d", r.ByTier[risk.TierCritical], r.ByTier[risk.TierHigh]), shortScopes(r.Top, 2))
	}
	t.flush()
}

// offboardingDebt counts identities whose owner is suspended or gone.
func (a *app) offboardingDebt(ctx context.Context, db store.Store) error {
	fmt.Fprintln(a.stdout, "\nIdentities to review first:")
	t := newIndentedTable(a.stdout)
	rows := []struct {
		what string
		f    store.IdentityFilter
	}{
		{"owner suspended (offboarding debt)", store.IdentityFilter{OwnerStatus: nhi.PersonSuspended}},
		{"owner departed", store.IdentityFilter{OwnerStatus: nhi.PersonDeparted}},
		{"unused for 90 days or never used", store.IdentityFilter{LastUsedBefore: time.Now().Add(-90 * 24 * time.Hour)}},
	}
	for _, r := range rows {
		n, err := countIdentities(ctx, db, r.f)
		if err != nil {
			return err
		}
		if n == 0 && r.f.OwnerStatus == nhi.PersonDeparted {
			continue // Google deletes a departed user's grants with the account
		}
		t.row(r.what, count(int64(n)))
	}
	return t.flush()
}

// countIdentities counts the identities a filter selects, page by page.
func countIdentities(ctx context.Context, db store.Store, f store.IdentityFilter) (int, error) {
	n, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return db.ListIdentities(ctx, f)
	}, func(nhi.Identity) error { return nil })
	return n, err
}

// nextSteps prints the exact commands to list and inspect what the scan found.
func (a *app) nextSteps(ctx context.Context, db store.Store, dbPath string, kept bool, apps []rankedApp) {
	w := a.stdout
	db0 := "--db " + shellQuote(dbPath)
	if !kept {
		db0 = "--db nhi-demo.db"
		fmt.Fprintf(w, "\nThis database is temporary. Keep one to explore with: %s demo --db nhi-demo.db\n", self())
		fmt.Fprintln(w, "Then look next at:")
	} else {
		fmt.Fprintln(w, "\nWhere to look next:")
	}
	fmt.Fprintf(w, "  %s findings list %s --severity high\n", self(), db0)
	fmt.Fprintf(w, "  %s apps list %s --sort risk\n", self(), db0)
	if len(apps) > 0 {
		fmt.Fprintf(w, "  %s inventory list %s --app %s\n", self(), db0, shellQuote(apps[0].ExternalID))
	}
	fmt.Fprintf(w, "  %s inventory list %s --owner-status suspended\n", self(), db0)
	fmt.Fprintf(w, "  %s inventory list %s --last-used-before 90d --output csv > stale.csv\n", self(), db0)
	if len(apps) > 0 {
		page, err := db.ListIdentities(ctx, store.IdentityFilter{AppID: apps[0].ExternalID, Limit: 1})
		if err == nil && len(page.Items) > 0 {
			fmt.Fprintf(w, "  %s inventory show %s %s\n", self(), db0, page.Items[0].ID)
		}
	}
}

// self is how the user runs nhi: "go run ./cmd/nhi" from a go run build, else "nhi".
func self() string {
	if strings.Contains(os.Args[0], "go-build") {
		return "go run ./cmd/nhi"
	}
	return "nhi"
}

// findingsSummary prints the open findings by severity and by OWASP NHI item, and the most
// severe few.
func (a *app) findingsSummary(ctx context.Context, db store.Store) error {
	bySeverity := map[nhi.Severity]int{}
	byOWASP := map[string]int{}
	var top []nhi.Finding
	f := store.FindingFilter{Status: nhi.FindingOpen}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return db.ListFindings(ctx, f)
	}, func(fd nhi.Finding) error {
		bySeverity[fd.Severity]++
		for _, o := range owaspShort(fd.OWASP) {
			byOWASP[o]++
		}
		if len(top) < summaryTop {
			top = append(top, fd)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\nOpen findings:")
	t := newIndentedTable(a.stdout)
	sev := nhi.Severities()
	for i := len(sev) - 1; i >= 0; i-- {
		if n := bySeverity[sev[i]]; n > 0 {
			t.row(strings.ToUpper(string(sev[i])), count(int64(n)))
		}
	}
	t.flush()
	fmt.Fprintln(a.stdout, "\nBy OWASP Non-Human Identities Top 10 (2025):")
	t = newIndentedTable(a.stdout)
	for i := 1; i <= 10; i++ {
		id := fmt.Sprintf("NHI%d", i)
		if n := byOWASP[id]; n > 0 {
			t.row(id, risk.OWASPTitle(id+":2025"), count(int64(n)))
		}
	}
	t.flush()
	fmt.Fprintln(a.stdout, "\nMost severe:")
	t = newIndentedTable(a.stdout)
	for _, fd := range top {
		ev := ""
		if len(fd.Evidence) > 0 {
			ev = fd.Evidence[0]
		}
		t.row(strings.ToUpper(string(fd.Severity)), fd.Signal, ev)
	}
	return t.flush()
}

// plansSummary prints the plans the policies proposed and returns the first one's ID.
func (a *app) plansSummary(ctx context.Context, db store.Store) (string, error) {
	page, err := db.ListPlans(ctx, store.PlanFilter{Limit: 10})
	if err != nil || len(page.Items) == 0 {
		return "", err
	}
	w := a.stdout
	fmt.Fprintln(w, "\nRemediation plans, newest first (a scan only proposes: nothing was changed):")
	t := newIndentedTable(w)
	t.row("PLAN", "STATE", "MODE", "ACTIONS", "REASON")
	for _, p := range page.Items {
		t.row(p.ID, string(p.State), string(p.Mode), fmt.Sprint(p.Blast.Actions), reasonText(nhi.Reason{Kind: p.Reason.Kind, Policy: p.Reason.Policy, Person: p.Reason.Person}))
	}
	return page.Items[0].ID, t.flush()
}
