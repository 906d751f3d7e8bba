package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

func (a *app) planCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "List, inspect, approve and reject remediation plans",
		Long: "A plan lists the changes nhi proposes (from a policy, the kill switch or a person),\n" +
			"with the reason for each and its blast radius. Plans that need approval run only\n" +
			"after nhi plan approve; nhi apply runs them (dry run unless --execute).",
	}
	cmd.AddCommand(a.planListCmd(), a.planShowCmd(), a.planDecideCmd(true), a.planDecideCmd(false))
	return cmd
}

func (a *app) planListCmd() *cobra.Command {
	var state, policy, output string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List plans, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" && !nhi.PlanState(state).Valid() {
				return nhi.Errorf(nhi.CodeInvalid, "--state %q: want one of %s", state, planStateNames())
			}
			if err := checkFormat(output); err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := a.openInventory(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			out := newListOutput(a, output, "no plans match", planHeader, planRow)
			return printList(a, out, rowLimit(limit, output), func(lim int, after string) (store.Page[nhi.Plan], error) {
				return db.ListPlans(ctx, store.PlanFilter{State: nhi.PlanState(state), Policy: policy, Limit: lim, After: after})
			})
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "only plans in this state: "+planStateNames())
	cmd.Flags().StringVar(&policy, "policy", "", "only plans proposed by this policy")
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table, json or csv")
	cmd.Flags().IntVar(&limit, "limit", -1, "at most this many rows; 0 for all (default: 100 for table, all otherwise)")
	return cmd
}

func planStateNames() string {
	var s []string
	for _, st := range nhi.PlanStates() {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

func planHeader(csv bool) []string {
	if csv {
		return []string{"id", "state", "mode", "requires_approval", "actions", "identities", "people", "apps",
			"created_at", "created_by", "approved_by", "reason", "title"}
	}
	return []string{"ID", "STATE", "MODE", "ACTIONS", "CREATED", "BY", "TITLE"}
}

func planRow(p nhi.Plan, csv bool) ([]string, error) {
	if csv {
		return []string{p.ID, string(p.State), string(p.Mode), strconv.FormatBool(p.RequiresApproval),
			strconv.Itoa(p.Blast.Actions), strconv.Itoa(p.Blast.Identities), strconv.Itoa(p.Blast.People),
			strconv.Itoa(p.Blast.Apps), stamp(p.CreatedAt), p.CreatedBy, p.ApprovedBy, reasonText(p.Reason), p.Title}, nil
	}
	return []string{p.ID, string(p.State), string(p.Mode), strconv.Itoa(p.Blast.Actions), stamp(p.CreatedAt),
		p.CreatedBy, p.Title}, nil
}

// reasonText says in words why a plan or action exists.
func reasonText(r nhi.Reason) string {
	var s string
	switch r.Kind {
	case nhi.ReasonPolicy:
		s = "policy " + r.Policy
	case nhi.ReasonFinding:
		s = "finding " + r.FindingID
	case nhi.ReasonPerson:
		s = "asked by " + r.Person
	}
	if r.Text != "" {
		s += ": " + r.Text
	}
	return s
}

func (a *app) planShowCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show PLAN",
		Short: "Show a plan: reason, blast radius, approval and every action with its state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != formatTable && output != formatJSON {
				return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", output)
			}
			db, err := a.openInventory(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			p, err := db.Plan(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if output == formatJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			return writePlan(a.stdout, p)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table or json")
	return cmd
}

// writePlan prints a plan for a terminal; tenant-supplied names are made safe by the table.
func writePlan(w io.Writer, p nhi.Plan) error {
	t := newTable(w)
	t.row("Plan", p.ID)
	t.row("Title", p.Title)
	t.row("State", string(p.State))
	t.row("Mode", string(p.Mode))
	t.row("Reason", reasonText(p.Reason))
	t.row("Created", stamp(p.CreatedAt)+" by "+p.CreatedBy)
	if p.ApprovedBy != "" {
		t.row("Approved", stamp(p.ApprovedAt)+" by "+p.ApprovedBy)
	} else if p.RequiresApproval {
		t.row("Approved", "not yet (nhi plan approve "+p.ID+")")
	}
	var plats []string
	for _, pl := range p.Blast.Platforms {
		plats = append(plats, string(pl))
	}
	t.row("Blast radius", fmt.Sprintf("%d actions, %d identities, %d people, %d apps on %s", p.Blast.Actions,
		p.Blast.Identities, p.Blast.People, p.Blast.Apps, strings.Join(plats, ", ")))
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeActions(w, p.ID, p.Actions, 50)
}

// writeActions prints at most limit actions (0 for all) and says how many it left out.
func writeActions(w io.Writer, planID string, actions []nhi.Action, limit int) error {
	t := newTable(w)
	t.row("#", "STATE", "ACTION", "PLATFORM", "TARGET", "APP", "NOTE")
	for i, act := range actions {
		if limit > 0 && i == limit {
			t.row("", "", fmt.Sprintf("... %d more (nhi plan show %s -o json lists them all)", len(actions)-limit, planID))
			break
		}
		note := act.Error
		if note == "" && !act.VerifiedAt.IsZero() {
			note = "verified " + stamp(act.VerifiedAt)
		}
		tgt := act.Name
		if act.IdentityID != "" {
			tgt = act.IdentityID + " " + act.Name
		}
		t.row(act.ID, string(act.State), string(act.Type), string(act.Platform), tgt, act.AppID, note)
	}
	return t.flush()
}

func (a *app) planDecideCmd(approve bool) *cobra.Command {
	var by, why string
	use, short := "approve PLAN", "Approve a proposed plan so that nhi apply --execute may run it"
	if !approve {
		use, short = "reject PLAN", "Reject a plan: it will never run"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.decide(cmd.Context(), args[0], by, why, approve)
		},
	}
	cmd.Flags().StringVar(&by, "by", defaultActor(), "who decides (recorded in the audit trail)")
	if !approve {
		cmd.Flags().StringVar(&why, "reason", "", "why the plan is rejected")
	}
	return cmd
}

func (a *app) decide(ctx context.Context, planID, by, why string, approve bool) error {
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	x, err := a.executor(ctx, db, by, false)
	if err != nil {
		return err
	}
	if approve {
		p, err := x.Approve(ctx, planID, by)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Plan %s approved by %s (%d actions).\nPreview: nhi apply %s\nRun:     nhi apply %s --execute\n",
			p.ID, by, p.Blast.Actions, p.ID, p.ID)
		return nil
	}
	p, err := x.Reject(ctx, planID, by, why)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Plan %s rejected by %s.\n", p.ID, by)
	return nil
}
