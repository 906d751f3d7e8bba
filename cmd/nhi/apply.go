package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/cluster"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

type applyFlags struct {
	execute, force, resume bool
	by                     string
}

func (f *applyFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.execute, "execute", false, "change the tenants (without it, nothing changes: a dry run)")
	cmd.Flags().BoolVar(&f.force, "force", false, fmt.Sprintf("run more than %d actions at once", remediate.DefaultMaxActions))
	cmd.Flags().BoolVar(&f.resume, "resume", false, "take over a plan left running by a run that was interrupted (only when no other nhi process runs it)")
	cmd.Flags().StringVar(&f.by, "by", defaultActor(), "who acts (recorded in the audit trail)")
}

func (a *app) applyCmd() *cobra.Command {
	var f applyFlags
	var queue bool
	cmd := &cobra.Command{
		Use:   "apply PLAN",
		Short: "Run an approved plan (a dry run unless --execute)",
		Long: "apply previews a plan, or with --execute carries it out: each action is recorded in the\n" +
			"audit trail before and after it runs, and re-read on the platform to verify that the\n" +
			"access is gone. A run that fails part-way leaves the plan partial; apply it again to\n" +
			"finish it. Exit code 3 when any action failed. With a PostgreSQL database, --queue hands the\n" +
			"run to the instances of nhi serve sharing it and returns: one of them runs it, and another\n" +
			"resumes it if that one dies.",
		Example: "  nhi apply pln_abc\n  nhi apply pln_abc --execute",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.openInventory(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if queue {
				return a.queuePlan(ctx, db, args[0], f)
			}
			x, err := a.executor(ctx, db, f.by, f.execute)
			if err != nil {
				return err
			}
			return a.apply(ctx, x, args[0], f)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&queue, "queue", false, "with PostgreSQL and --execute: queue the run for the instances of nhi serve instead of running it here")
	return cmd
}

// queuePlan checks that plan id can run and queues its run for the instances of nhi
// serve on the PostgreSQL database.
func (a *app) queuePlan(ctx context.Context, db store.Store, id string, f applyFlags) error {
	path, err := a.inventoryPath()
	if err != nil {
		return err
	}
	switch {
	case !f.execute:
		return nhi.Errorf(nhi.CodeInvalid, "--queue runs the plan: add --execute (a dry run needs no queue)")
	case f.resume:
		return nhi.Errorf(nhi.CodeInvalid, "--queue resumes an interrupted run by itself: drop --resume")
	case !isPostgres(path):
		return nhi.Errorf(nhi.CodeInvalid, "--queue needs a PostgreSQL database (--db postgres://...): with SQLite, apply runs the plan here")
	}
	p, err := db.Plan(ctx, id)
	if err != nil {
		return err
	}
	if err := remediate.Runnable(p); err != nil {
		return err
	}
	before, err := cluster.QueuePlan(ctx, path, id, f.by, f.force)
	if err != nil {
		return err
	}
	if before {
		fmt.Fprintf(a.stdout, "Plan %s is already queued or running; nothing added.\n", id)
		return nil
	}
	fmt.Fprintf(a.stdout, "Plan %s queued: an instance of nhi serve runs it (nhi plan show %s follows it).\n", id, id)
	return nil
}

// apply runs or previews a stored plan and reports what happened.
func (a *app) apply(ctx context.Context, x *remediate.Executor, planID string, f applyFlags) error {
	rep, err := x.Apply(ctx, planID, remediate.ApplyOptions{Execute: f.execute, Force: f.force, Resume: f.resume})
	if err != nil {
		return err
	}
	return writeReport(a.stdout, rep)
}

// writeReport prints the outcome of a run or the preview of a dry run; a run that left
// failed or pending actions ends with exit code 3.
func writeReport(w io.Writer, rep remediate.Report) error {
	p := rep.Plan
	if rep.DryRun {
		fmt.Fprintf(w, "Dry run of plan %s (%s, %s): %d actions would run, %d would be skipped. Nothing was changed.\n\n",
			p.ID, p.State, p.Mode, rep.Pending, rep.Skipped)
		var acts []nhi.Action
		for _, pv := range rep.Preview {
			act := pv.Action
			act.Error = pv.Skip
			if pv.Skip != "" {
				act.State = nhi.ActionSkipped
			}
			acts = append(acts, act)
		}
		if err := writeActions(w, p.ID, acts, 50); err != nil {
			return err
		}
		switch {
		case p.Mode != nhi.ModeEnforce:
			fmt.Fprintf(w, "\nThis plan is in %s mode: it can only be previewed.\n", p.Mode)
		case p.State == nhi.PlanProposed:
			fmt.Fprintf(w, "\nApprove it with: nhi plan approve %s\nThen run:        nhi apply %s --execute\n", p.ID, p.ID)
		default:
			fmt.Fprintf(w, "\nRun it with: nhi apply %s --execute\n", p.ID)
		}
		return nil
	}
	if rep.Done+rep.Failed+rep.Skipped == 0 && rep.Stopped == "" {
		fmt.Fprintf(w, "Plan %s is %s: nothing left to run.\n", p.ID, p.State)
		return nil
	}
	fmt.Fprintf(w, "Plan %s is now %s: %d done (%d were already gone), %d failed, %d skipped, %d not run.\n",
		p.ID, p.State, rep.Done, rep.AlreadyDone, rep.Failed, rep.Skipped, rep.Pending)
	if rep.Contained > 0 {
		fmt.Fprintf(w, "Access verified gone %.1f s after the run started.\n", rep.Contained.Seconds())
	}
	if rep.Stopped != "" {
		fmt.Fprintf(w, "The run stopped early: %s.\n", rep.Stopped)
	}
	if p.State != nhi.PlanDone {
		var bad []nhi.Action
		for _, act := range p.Actions {
			if act.State == nhi.ActionFailed || act.State == nhi.ActionSkipped {
				bad = append(bad, act)
			}
		}
		fmt.Fprintln(w)
		if err := writeActions(w, p.ID, bad, 20); err != nil {
			return err
		}
		return &exitStatus{code: exitPartial, msg: fmt.Sprintf("plan %s is %s: not every action was done; fix the cause and run nhi apply %s --execute again (skipped actions never run)", p.ID, p.State, p.ID)}
	}
	return nil
}

func (a *app) revokeCmd() *cobra.Command {
	var f applyFlags
	var why string
	cmd := &cobra.Command{
		Use:   "revoke IDENTITY",
		Short: "Take away one identity's access (a dry run unless --execute)",
		Example: "  nhi revoke gws_abc --reason 'vendor offboarded'\n" +
			"  nhi revoke gws_abc --execute",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.openInventory(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			x, err := a.executor(ctx, db, f.by, f.execute)
			if err != nil {
				return err
			}
			p, err := remediate.Revoke(ctx, db, args[0], f.by, why)
			if err != nil {
				return err
			}
			if !f.execute {
				fmt.Fprintf(a.stdout, "Dry run: nhi would %s. Nothing was changed.\n\n", p.Title)
				if err := writeActions(a.stdout, "(not stored)", p.Actions, 0); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "\nRun it with: nhi revoke %s --execute\n", args[0])
				return nil
			}
			p, err = x.Create(ctx, p)
			if err != nil {
				return err
			}
			return a.apply(ctx, x, p.ID, f)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&why, "reason", "", "why (recorded with the plan and in the audit trail)")
	return cmd
}

func (a *app) containCmd() *cobra.Command {
	var f applyFlags
	var t remediate.ContainTarget
	var approve bool
	cmd := &cobra.Command{
		Use:   "contain (--vendor NAME | --app ID)",
		Short: "Vendor kill switch: revoke everything one vendor or app holds, on every platform",
		Long: "contain finds every identity a vendor's apps hold across all scanned platforms (grants,\n" +
			"tokens, installed apps, service accounts) and builds one plan that revokes them all and,\n" +
			"where the platform allows, sweeps grants given since the last scan. The plan needs\n" +
			"approval: --approve approves it as --by, and --execute then runs it at once.",
		Example: "  nhi contain --vendor 'Salesloft Drift'\n" +
			"  nhi contain --app 1234-abc.apps.googleusercontent.com --approve --execute --force",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.contain(cmd.Context(), t, approve, f)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&t.Vendor, "vendor", "", "the vendor's or app's name, exactly (ignoring case)")
	cmd.Flags().StringVar(&t.AppID, "app", "", "the app's platform ID (client ID, app ID)")
	cmd.Flags().BoolVar(&approve, "approve", false, "approve the plan as --by")
	return cmd
}

func (a *app) contain(ctx context.Context, t remediate.ContainTarget, approve bool, f applyFlags) error {
	if f.execute && !approve {
		return nhi.Errorf(nhi.CodeInvalid, "--execute needs --approve (or approve the plan with nhi plan approve, then nhi apply)")
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	x, err := a.executor(ctx, db, f.by, f.execute)
	if err != nil {
		return err
	}
	p, err := remediate.Contain(ctx, db, x.Targets, t, f.by)
	if err != nil {
		return err
	}
	if p, err = x.Create(ctx, p); err != nil {
		return err
	}
	if !approve {
		return writePlan(a.stdout, p)
	}
	if _, err := x.Approve(ctx, p.ID, f.by); err != nil {
		return err
	}
	return a.apply(ctx, x, p.ID, f)
}
