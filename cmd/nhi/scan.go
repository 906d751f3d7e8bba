package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
)

func (a *app) scanCmd() *cobra.Command {
	var only, failOn string
	var full bool
	cmd := &cobra.Command{
		Use:   "scan --config nhi.yaml",
		Short: "Scan the configured tenants into the inventory",
		Long: "Scan every connector of the configuration (or --connector NAME) into the database.\n" +
			"After the first scan, scans are incremental from the saved cursor unless --full.\n" +
			"Exit code 3 means a scan finished partially: what could not be read is listed, and\n" +
			"nothing already in the inventory was removed because of it. With --fail-on SEVERITY,\n" +
			"exit code 5 means open findings at or above that severity exist for the scanned tenants.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(a.cfgPath)
			if err != nil {
				return err
			}
			var min nhi.Severity
			if failOn != "" {
				if min, err = nhi.ParseSeverity(failOn); err != nil {
					return nhi.WrapError(nhi.CodeInvalid, err, "--fail-on: "+nhi.ErrorMessage(err))
				}
			}
			return a.runScans(cmd.Context(), cfg, only, full, min)
		},
	}
	cmd.Flags().StringVar(&only, "connector", "", "scan only the connector with this name")
	cmd.Flags().BoolVar(&full, "full", false, "ignore saved cursors and enumerate everything")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 5 when open findings at or above this severity exist (low, medium, high, critical)")
	return cmd
}

// runScans builds the connectors of cfg and scans them concurrently into the database.
func (a *app) runScans(ctx context.Context, cfg *fileConfig, only string, full bool, failOn nhi.Severity) error {
	if only != "" {
		var keep []connectorConfig
		for _, c := range cfg.Connectors {
			if c.Name == only {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			return nhi.Errorf(nhi.CodeInvalid, "no connector named %q in %s", only, cfg.Path)
		}
		cfg.Connectors = keep
	}
	conns, err := buildAll(cfg, connector.Env{Logger: a.logger()})
	if err != nil {
		return err
	}
	path := a.database(cfg.Database)
	engine, err := a.newEngine(path)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx, path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	policies, err := a.scanPolicies(cfg, path)
	if err != nil {
		return err
	}
	results := a.scanAll(ctx, db, engine, policies, conns, full)
	if err := a.reportScans(results); err != nil {
		return err
	}
	return a.gate(ctx, db, results, failOn)
}

// gate fails with exit code 5 when the scanned tenants have open findings at or above min.
func (a *app) gate(ctx context.Context, db store.Store, results []scanResult, min nhi.Severity) error {
	if min == "" {
		return nil
	}
	total := 0
	for _, r := range results {
		f := store.FindingFilter{Platform: r.rec.Platform, Tenant: r.rec.Tenant, MinSeverity: min, Status: nhi.FindingOpen}
		n, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
			f.Limit, f.After = lim, after
			return db.ListFindings(ctx, f)
		}, func(nhi.Finding) error { return nil })
		if err != nil {
			return err
		}
		total += n
	}
	if total > 0 {
		return &exitStatus{code: exitFindings, msg: fmt.Sprintf("%d open finding(s) at or above %s (nhi findings list --severity %s)", total, min, min)}
	}
	return nil
}

type scanResult struct {
	rec nhi.Scan
	err error
}

// scanAll runs one scan per connector, with a live display on a terminal: the
// directories' (Google Workspace, Entra) at once first, then the others' at once, whose
// people take their status from the directories just scanned.
func (a *app) scanAll(ctx context.Context, db store.Store, engine *risk.Engine, policies *policy.Set, conns []connector.Connector, full bool) []scanResult {
	runner := &scan.Runner{Store: db, Logger: a.logger(), Engine: engine, Policies: policies}
	prog := newProgress(a.stderr)
	results := make([]scanResult, len(conns))
	sts := make([]*scan.Stats, len(conns))
	for i, c := range conns {
		sts[i] = prog.track(c.Info().Name)
	}
	for _, directories := range []bool{true, false} {
		var wg sync.WaitGroup
		for i, c := range conns {
			if scan.IsDirectory(c.Info().Platform) != directories {
				continue
			}
			wg.Go(func() {
				rec, err := runner.Run(ctx, c, scan.Options{Full: full, Stats: sts[i]})
				results[i] = scanResult{rec, err}
			})
		}
		wg.Wait()
	}
	prog.close()
	return results
}

// reportScans prints one line per scan and its failures, and picks the exit code.
func (a *app) reportScans(results []scanResult) error {
	code := exitOK
	for _, r := range results {
		rec := r.rec
		if rec.ID == "" {
			fmt.Fprintf(a.stderr, "scan could not start: %s\n", nhi.CleanText(nhi.ErrorMessage(r.err)))
			code = exitError
			continue
		}
		c := rec.Counts
		fmt.Fprintf(a.stdout, "%s: %s in %s: %s people, %s apps, %s identities, %s gone, %s requests, %s throttled, %s findings (%s resolved)\n",
			rec.Connector, rec.Status, rec.FinishedAt.Sub(rec.StartedAt).Round(time.Millisecond),
			count(int64(c.People)), count(int64(c.Apps)), count(int64(c.Identities)), count(int64(c.Gone)),
			count(int64(c.Requests)), count(int64(c.Throttled)), count(int64(c.Findings)), count(int64(c.Resolved)))
		if c.Plans > 0 || c.Alerts > 0 {
			fmt.Fprintf(a.stdout, "%s: policies proposed %s actions in %s new plans (nhi plan list), %s alerts\n",
				rec.Connector, count(int64(c.Proposed)), count(int64(c.Plans)), count(int64(c.Alerts)))
		}
		for _, e := range rec.Errors {
			fmt.Fprintf(a.stderr, "  %s: %s\n", rec.Connector, nhi.CleanText(e))
		}
		switch {
		case rec.Status == nhi.ScanFailed:
			code = exitError
		case rec.Status == nhi.ScanPartial && code == exitOK:
			code = exitPartial
		}
	}
	if code != exitOK {
		return &exitStatus{code: code}
	}
	return nil
}
