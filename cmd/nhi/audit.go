package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Verify and export the hash-chained audit trail",
	}
	cmd.AddCommand(a.auditVerifyCmd(), a.auditExportCmd())
	return cmd
}

func (a *app) auditVerifyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check every entry's hash and link; exit 1 at the first broken link",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openInventory(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			var prev nhi.AuditEntry
			err = walkAudit(ctx, db, store.AuditFilter{}, func(e nhi.AuditEntry) error {
				if err := nhi.CheckLink(prev, e); err != nil {
					return err
				}
				prev = e
				return nil
			})
			var ce *nhi.ChainError
			if errors.As(err, &ce) {
				return &exitStatus{code: exitError, msg: fmt.Sprintf("%v; the %d entries before it verify", ce, prev.Seq)}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Audit trail verified: %d entries, last hash %s\n", prev.Seq, prev.Hash)
			return nil
		},
	}
}

func (a *app) auditExportCmd() *cobra.Command {
	var f store.AuditFilter
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the audit trail as JSON lines, one entry per line",
		Example: "  nhi audit export > audit.jsonl\n" +
			"  nhi audit export --after 1200 --plan pln_abc",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openInventory(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			enc := json.NewEncoder(a.stdout)
			return walkAudit(ctx, db, f, func(e nhi.AuditEntry) error { return enc.Encode(e) })
		},
	}
	cmd.Flags().Int64Var(&f.AfterSeq, "after", 0, "only entries after this sequence number")
	cmd.Flags().StringVar(&f.PlanID, "plan", "", "only entries of this plan")
	return cmd
}

// walkAudit pages through the audit trail in order.
func walkAudit(ctx context.Context, db store.Store, f store.AuditFilter, fn func(nhi.AuditEntry) error) error {
	f.Limit = store.MaxLimit
	for {
		page, err := db.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
			f.AfterSeq = e.Seq
		}
		if len(page) < f.Limit {
			return nil
		}
	}
}
