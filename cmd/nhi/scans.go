package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

func (a *app) scansCmd() *cobra.Command {
	var output, only string
	var limit int
	cmd := &cobra.Command{
		Use:   "scans",
		Short: "List recorded scans, newest first: status, counts, duration and failures",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != formatTable && output != formatJSON {
				return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", output)
			}
			db, err := a.openInventory(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			scans, err := db.ListScans(cmd.Context(), store.ScanFilter{Connector: only, Limit: limit})
			if err != nil {
				return err
			}
			if output == formatJSON {
				arr := newJSONArray(a.stdout)
				for _, s := range scans {
					if err := arr.add(s); err != nil {
						return err
					}
				}
				return arr.close()
			}
			return writeScans(a, scans)
		},
	}
	cmd.Flags().StringVar(&only, "connector", "", "only scans of this connector")
	cmd.Flags().IntVar(&limit, "limit", 20, "at most this many scans")
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table or json")
	return cmd
}

func writeScans(a *app, scans []nhi.Scan) error {
	t := newTable(a.stdout)
	t.row("STARTED", "CONNECTOR", "TYPE", "STATUS", "TOOK", "IDENTITIES", "GONE", "REQUESTS", "THROTTLED", "FAILURES")
	for _, s := range scans {
		kind, took := "incremental", "-"
		if s.Full {
			kind = "full"
		}
		if !s.FinishedAt.IsZero() {
			took = s.FinishedAt.Sub(s.StartedAt).Round(time.Millisecond).String()
		}
		c := s.Counts
		t.row(s.StartedAt.UTC().Format(time.RFC3339), s.Connector, kind, string(s.Status), took,
			count(int64(c.Identities)), count(int64(c.Gone)), count(int64(c.Requests)),
			count(int64(c.Throttled)), count(int64(c.Failures)))
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, s := range scans {
		if len(s.Errors) > 0 {
			fmt.Fprintf(a.stdout, "\n%s %s:\n  %s\n", s.Connector, s.StartedAt.UTC().Format(time.RFC3339),
				strings.Join(cleanAll(s.Errors), "\n  "))
		}
	}
	return nil
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = nhi.CleanText(s)
	}
	return out
}
