package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

func (a *app) intelCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "intel", Short: "Show or update the threat intelligence: the pack of known-malicious and breached apps, and the networks dataset"}
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
			switch nets, from, err := a.networks(path); {
			case err != nil:
				fmt.Fprintf(a.stdout, "networks dataset: %v\n", err)
			case nets == nil:
				fmt.Fprintln(a.stdout, "networks dataset: none (nhi intel networks --file installs one, or set networks: in nhi.yaml; usage.tor_exit and app.tor_usage need it)")
			default:
				tor, hosting, isp := nets.Kinds()
				fmt.Fprintf(a.stdout, "networks dataset %s: %d ranges (Tor exit %d, hosting %d, access %d)\n",
					from, nets.Len(), tor, hosting, isp)
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
			if isPostgres(path) {
				return nhi.Errorf(nhi.CodeInvalid, "the database is PostgreSQL, which has no directory to install beside: "+
					"nhi uses the embedded pack")
			}
			return a.updateIntel(file, intelFile(path), path, force)
		},
	}
	update.Flags().StringVar(&file, "file", "", "the pack to install (required)")
	update.Flags().BoolVar(&force, "force", false, "install even if the pack is not newer than the one in use")
	var netFile string
	networks := &cobra.Command{
		Use:   "networks --file DATASET.csv",
		Short: "Validate a networks dataset (CSV cidr,asn,org,kind; kind hosting, tor or isp) and install it beside the database",
		Long: "The networks dataset tells Tor exits and hosting providers by address. nhi looks addresses up in it\n" +
			"offline: scans flag apps whose tokens are used from Tor exits (app.tor_usage), and nhi serve\n" +
			"weighs a first use from a hosting provider or Tor exit more. Build it from sources you trust\n" +
			"(the Tor Project's exit list, your IP-to-ASN data) and install a fresh one as they change.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			path, err := a.inventoryPath()
			if err != nil {
				return err
			}
			dest := networksFile(path)
			if dest == "" {
				return nhi.Errorf(nhi.CodeInvalid, "the database is PostgreSQL, which has no directory to install beside: "+
					"name the dataset in nhi.yaml (networks: PATH) on every instance")
			}
			return a.installNetworks(netFile, dest)
		},
	}
	networks.Flags().StringVar(&netFile, "file", "", "the dataset to install (required)")
	cmd.AddCommand(show, update, networks)
	return cmd
}

// installNetworks validates the networks dataset at file and installs it at dest.
func (a *app) installNetworks(file, dest string) error {
	if file == "" {
		return nhi.Errorf(nhi.CodeInvalid, "--file is required")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, "cannot read "+file)
	}
	nets, err := risk.ParseNetworks(bytes.NewReader(b))
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, file+": "+err.Error())
	}
	if nets.Len() == 0 {
		return nhi.Errorf(nhi.CodeInvalid, "%s holds no ranges", file)
	}
	if err := installFile(dest, b); err != nil {
		return err
	}
	tor, hosting, isp := nets.Kinds()
	fmt.Fprintf(a.stdout, "installed a networks dataset of %d ranges (Tor exit %d, hosting %d, access %d) at %s\n",
		nets.Len(), tor, hosting, isp, dest)
	return nil
}

// installFile writes b to dest through a temporary file, so that a reader sees the old
// file or the new one, never half of one.
func installFile(dest string, b []byte) error {
	tmp := dest + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("install %s: %w", dest, err)
	}
	return nil
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
	if err := installFile(dest, b); err != nil {
		return fmt.Errorf("intel: %w", err)
	}
	fmt.Fprintf(a.stdout, "installed threat intelligence version %d (%d apps) at %s\n", next.Version(), next.Len(), dest)
	return nil
}
