package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/postgres"
	"github.com/nhiscope/nhi/store/sqlite"
)

// app holds what every subcommand shares: streams and global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbPath         string
	cfgPath        string
	logLevel       string
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "nhi",
		Short: "Discover, assess and control the non-human identities of your SaaS estate",
		Long: "nhi inventories the non-human identities of SaaS tenants (OAuth grants, API keys,\n" +
			"service accounts, bots, integrations) through each platform's admin API.\n\n" +
			"Start with: nhi demo",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return nhi.WrapError(nhi.CodeInvalid, err, err.Error())
	})
	root.PersistentFlags().StringVar(&a.dbPath, "db", "", "database file (default: the config's database, else nhi.db)")
	root.PersistentFlags().StringVarP(&a.cfgPath, "config", "c", "nhi.yaml", "configuration file")
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "warn", "log level: debug, info, warn, error (logs go to stderr)")
	root.AddCommand(a.demoCmd(), a.scanCmd(), a.scansCmd(), a.inventoryCmd(), a.appsCmd(), a.findingsCmd(), a.intelCmd(),
		a.eventsCmd(), a.changesCmd(), a.serveCmd(), a.migrateCmd(), a.planCmd(), a.applyCmd(), a.revokeCmd(), a.containCmd(), a.auditCmd(), a.policyCmd(), a.configCmd(), a.versionCmd())
	return root
}

// logger returns a text logger on stderr at the chosen level.
func (a *app) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(a.logLevel))); err != nil {
		lvl = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: lvl}))
}

// database returns the database path: the flag, else the configured one, else nhi.db.
func (a *app) database(configured string) string {
	switch {
	case a.dbPath != "":
		return a.dbPath
	case configured != "":
		return configured
	}
	return "nhi.db"
}

// openInventory opens an existing database for a read command: --db, else the database
// of the configuration file (when there is one), else nhi.db.
func (a *app) openInventory(ctx context.Context) (store.Store, error) {
	path, err := a.inventoryPath()
	if err != nil {
		return nil, err
	}
	return a.openStore(ctx, path, true)
}

// inventoryPath is the database read commands use: --db, else the configuration's, else
// nhi.db.
func (a *app) inventoryPath() (string, error) {
	if a.dbPath != "" {
		return a.dbPath, nil
	}
	if _, err := os.Stat(a.cfgPath); err != nil {
		return a.database(""), nil
	}
	cfg, err := loadConfig(a.cfgPath)
	if err != nil {
		return "", err
	}
	return a.database(cfg.Database), nil
}

// openStore opens the store path names: a PostgreSQL database for a postgres:// or
// postgresql:// URL, else the SQLite file at path. mustExist refuses to create a new
// SQLite database, so that a mistyped --db on a read command says so instead of showing
// an empty inventory.
func (a *app) openStore(ctx context.Context, path string, mustExist bool) (store.Store, error) {
	if isPostgres(path) {
		return postgres.Open(ctx, path)
	}
	if mustExist {
		if _, err := os.Stat(path); err != nil {
			return nil, nhi.WrapError(nhi.CodeInvalid, err,
				"no database at "+path+" (run a scan first, or pass --db)")
		}
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// isPostgres reports whether a --db value names a PostgreSQL database.
func isPostgres(path string) bool {
	return strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
}
