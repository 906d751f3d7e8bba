package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Check configuration files"}
	var secrets bool
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Validate a configuration file, reporting every problem with its line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(a.cfgPath)
			if err != nil {
				return err
			}
			if secrets {
				if err := checkSecrets(cfg); err != nil {
					return err
				}
			}
			fmt.Fprintf(a.stdout, "%s: valid, %d connector(s)\n", a.cfgPath, len(cfg.Connectors))
			return nil
		},
	}
	validate.Flags().BoolVar(&secrets, "check-secrets", false, "also check that every secret reference can be read (never prints secrets)")
	cmd.AddCommand(validate)
	return cmd
}

// checkSecrets resolves every secret reference of cfg and discards the values.
func checkSecrets(cfg *fileConfig) error {
	probs := &problems{File: cfg.Path}
	for i, c := range cfg.Connectors {
		for k, n := range c.Settings {
			if k != "credentials" {
				continue
			}
			if _, err := connector.SecretRef(n.Value).Resolve(); err != nil {
				probs.add(n.Line, fmt.Sprintf("connectors[%d].%s", i, k), "%s", nhi.ErrorMessage(err))
			}
		}
	}
	return probs.asError()
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of nhi",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintln(a.stdout, versionString())
		},
	}
}
