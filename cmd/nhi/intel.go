package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

func (a *app) intelCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "intel", Short: "Show or update the threat intelligence pack (known-malicious and breached apps)"}
	show := &cobra.Command{
		Use:   "show",
		Short: "Show the pack in use: its version and entries",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path, err := a.inventoryPath()
			if err != nil {
				return err
			}
			intel, err := loadIntel(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "threat intelligence pack version %d, generated %s, %d apps\n", intel.Version(), intel.Generated(), intel.Len())
			t := newTable(a.stdout)
			t.row("PLATFORM", "APP ID", "VENDOR", "KIND", "INCIDENT", "DATE")
			for _, e := range intel.Entries() {
				t.row(string(e.Platform), e.AppID, e.Vendor, string(e.Kind), e.Incident, e.Date)
			}
			return t.flush()
		},
	}
	var file string
	var force bool
	update := &cobra.Command{
		Use:   "update --file PACK.yaml",
		Short: "Validate a newer pack and install it beside the database",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path, err := a.inventoryPath()
			if err != nil {
				return err
			}
			return a.updateIntel(file, intelFile(path), path, force)
		},
	}
	update.Flags().StringVar(&file, "file", "", "the pack to install (required)")
	update.Flags().BoolVar(&force, "force", false, "install even if the pack is not newer than the one in use")
	cmd.AddCommand(show, update)
	return cmd
}

// updateIntel validates the pack at file and installs it at dest, unless it is older than
// the pack in use for the database at dbPath.
func (a *app) updateIntel(file, dest, dbPath string, force bool) error {
	if file == "" {
		return nhi.Errorf(nhi.CodeInvalid, "--file is required")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, "cannot read "+file)
	}
	next, err := risk.ParseIntel(file, b)
	if err != nil {
		return err
	}
	cur, err := loadIntel(dbPath)
	if err != nil {
		return err
	}
	if !force && next.Version() <= cur.Version() {
		return nhi.Errorf(nhi.CodeInvalid, "%s is version %d, not newer than version %d in use (--force installs it anyway)",
			file, next.Version(), cur.Version())
	}
	tmp := dest + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("intel: write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("intel: install %s: %w", dest, err)
	}
	fmt.Fprintf(a.stdout, "installed threat intelligence version %d (%d apps) at %s\n", next.Version(), next.Len(), dest)
	return nil
}
