package main

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"
)

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema (SQLite file or postgres:// URL)",
		Long: "migrate opens the database --db names (or the configuration's), applying every\n" +
			"migration it lacks, and stops. Every command migrates on its own; run this one before\n" +
			"starting several nhi instances on one PostgreSQL database, or to check access. Migrations\n" +
			"run in a transaction under a lock, so instances starting together migrate once.",
		Example: "  nhi migrate --db postgres://nhi@db.internal/nhi?sslmode=verify-full",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := a.inventoryPath()
			if err != nil {
				return err
			}
			db, err := a.openStore(cmd.Context(), path, false)
			if err != nil {
				return err
			}
			if err := db.Close(); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "database %s is up to date\n", redactDSN(path))
			return nil
		},
	}
}

// redactDSN returns a database location without its password.
func redactDSN(path string) string {
	if !isPostgres(path) {
		return path
	}
	u, err := url.Parse(path)
	if err != nil {
		return "(a postgres URL)"
	}
	return u.Redacted()
}
