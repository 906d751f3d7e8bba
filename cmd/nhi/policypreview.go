package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/scan"
)

// previewPolicies evaluates the policies on every present identity of the inventory and
// prints what they would propose (scan.PreviewPolicies). It changes nothing.
func (a *app) previewPolicies(ctx context.Context, paths []string, f policyTestFlags) error {
	path, err := a.inventoryPath()
	if err != nil {
		return err
	}
	intel, err := loadIntel(path)
	if err != nil {
		return err
	}
	set, _, err := a.compilePolicies(paths, intel)
	if err != nil {
		return err
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := scan.PreviewPolicies(ctx, db, set, scan.PreviewOptions{})
	if err != nil {
		return err
	}
	if f.output == formatJSON {
		return newJSONArray(a.stdout).enc.Encode(p)
	}
	return writePreview(a, p, rowLimit(f.limit, f.output))
}

// writePreview prints at most limit proposals (0 for all), the counts and the failures.
func writePreview(a *app, p *scan.Preview, limit int) error {
	t := newTable(a.stdout)
	t.row("POLICY", "MODE", "ACTION", "TARGET", "NAME", "DETAIL")
	for i, pr := range p.Proposals {
		if limit > 0 && i == limit {
			fmt.Fprintf(a.stderr, "showing the first %d proposals; use --limit 0 for all\n", limit)
			break
		}
		act := pr.Action
		target := act.IdentityID
		if target == "" {
			target = "app " + act.AppID
		}
		t.row(pr.Policy, string(pr.Mode), string(act.Type), target, act.Name, actionDetail(act))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n%d identities evaluated, %d proposals. By policy and action:\n", p.Identities, len(p.Proposals))
	c := newIndentedTable(a.stdout)
	c.row("POLICY", "ACTION", "COUNT")
	for _, n := range p.Counts {
		c.row(n.Policy, string(n.Action), fmt.Sprint(n.Count))
	}
	if len(p.Counts) == 0 {
		c.row("(no policy proposes anything)")
	}
	if p.Accepted > 0 {
		fmt.Fprintf(a.stderr, "%d proposals left out: a person accepted the risk (suppressed a finding)\n", p.Accepted)
	}
	for _, f := range p.Failures {
		fmt.Fprintf(a.stderr, "policy %s failed on %d identities; first error: %s\n", f.Policy, f.Count, nhi.CleanText(f.Error))
	}
	return c.flush()
}

// actionDetail is the parameter of an action, short.
func actionDetail(act nhi.Action) string {
	s := strings.Join(act.Scopes, " ")
	switch {
	case act.CredentialID != "":
		s = "credential " + act.CredentialID
	case act.Message != "":
		s = act.Message
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}
