package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// eventsCursorSuffix names, beside a connector's scan cursor, the cursor of its audit events.
const eventsCursorSuffix = "#events"

func (a *app) eventsCmd() *cobra.Command {
	var only, output string
	var replay bool
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Read the new audit events of the configured tenants that matter for non-human identities",
		Long: "events reads each connector's platform audit log (consents, grants, credentials and owners\n" +
			"added or removed) from where the previous run stopped, prints the new events, and saves\n" +
			"the position in the database, so that each event is shown once.",
		Example: "  nhi events --config nhi.yaml\n  nhi events --connector entra-prod --output json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != formatTable && output != formatJSON {
				return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", output)
			}
			return a.readEvents(cmd.Context(), only, output, replay)
		},
	}
	cmd.Flags().StringVar(&only, "connector", "", "only this connector")
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table or json (one event per line)")
	cmd.Flags().BoolVar(&replay, "replay", false, "start again from the oldest event the platform keeps (the saved position is replaced)")
	return cmd
}

func (a *app) readEvents(ctx context.Context, only, output string, replay bool) error {
	cfg, err := loadConfig(a.cfgPath)
	if err != nil {
		return err
	}
	conns, err := buildAll(cfg, connector.Env{Logger: a.logger()})
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx, a.database(cfg.Database), false)
	if err != nil {
		return err
	}
	defer db.Close()
	t := newTable(a.stdout)
	enc := json.NewEncoder(a.stdout)
	if output == formatTable {
		t.row("TIME", "CONNECTOR", "KIND", "ACTIVITY", "ACTOR", "TARGET")
	}
	total, sources := 0, 0
	for _, c := range conns {
		src, ok := c.(connector.EventSource)
		name := c.Info().Name
		if !ok || (only != "" && only != name) {
			continue
		}
		sources++
		key := name + eventsCursorSuffix
		since, err := db.Cursor(ctx, key)
		if err != nil {
			return err
		}
		if replay {
			since = ""
		}
		next, evErr := src.Events(ctx, since, func(e nhi.Event) error {
			total++
			if output == formatJSON {
				return enc.Encode(e)
			}
			return t.row(stamp(e.Time), name, string(e.Kind), e.Activity, e.Actor, strings.TrimSpace(e.Target+" "+e.AppID))
		})
		if next != "" && next != since {
			if err := db.SaveCursor(ctx, key, next); err != nil {
				return err
			}
		}
		if evErr != nil {
			return fmt.Errorf("events of %s: %w", name, evErr)
		}
	}
	if only != "" && sources == 0 {
		return nhi.Errorf(nhi.CodeInvalid, "no connector named %q that reads audit events in %s", only, cfg.Path)
	}
	if output == formatTable {
		if err := t.flush(); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "%d new event(s) from %d connector(s)\n", total, sources)
	}
	return nil
}
