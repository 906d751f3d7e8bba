package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// intelFile is where nhi intel update installs a pack: beside the database.
func intelFile(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "nhi-intel.yaml")
}

// loadIntel returns the pack installed beside the database, or the embedded one (always,
// for a PostgreSQL database).
func loadIntel(dbPath string) (*risk.Intel, error) {
	if isPostgres(dbPath) {
		return risk.DefaultIntel()
	}
	path := intelFile(dbPath)
	b, err := os.ReadFile(path)
	switch {
	case os.IsNotExist(err):
		return risk.DefaultIntel()
	case err != nil:
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read the installed threat intelligence "+path)
	}
	return risk.ParseIntel(path, b)
}

// networksFile is where nhi intel networks installs a networks dataset: beside a SQLite
// database, named after it (nhi.db: nhi.networks.csv), so that two databases in one
// directory (a demo's and a deployment's) do not share one. A PostgreSQL database has
// none: "" (the configuration's networks key names the dataset).
func networksFile(dbPath string) string {
	if isPostgres(dbPath) {
		return ""
	}
	base := filepath.Base(dbPath)
	return filepath.Join(filepath.Dir(dbPath), strings.TrimSuffix(base, filepath.Ext(base))+".networks.csv")
}

// networks returns the networks dataset for the database at dbPath and where it comes
// from: the configuration's networks key when the configuration file exists and sets it,
// else the dataset installed beside the database; nil and "" when there is none.
func (a *app) networks(dbPath string) (*risk.Networks, string, error) {
	var cfg *fileConfig
	if _, err := os.Stat(a.cfgPath); err == nil {
		if cfg, err = loadConfig(a.cfgPath); err != nil {
			return nil, "", err
		}
	}
	return networksFor(cfg, dbPath)
}

// networksFor is networks with the configuration cfg already read (nil: none).
func networksFor(cfg *fileConfig, dbPath string) (*risk.Networks, string, error) {
	if cfg != nil && cfg.Networks != "" {
		n, err := readNetworks(cfg.Networks, false)
		return n, cfg.Networks, err
	}
	path := networksFile(dbPath)
	if path == "" {
		return nil, "", nil
	}
	n, err := readNetworks(path, true)
	if n == nil {
		path = ""
	}
	return n, path, err
}

// readNetworks reads the networks dataset at path; a missing file is nil when optional.
func readNetworks(path string, optional bool) (*risk.Networks, error) {
	f, err := os.Open(path)
	switch {
	case optional && os.IsNotExist(err):
		return nil, nil
	case err != nil:
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read the networks dataset "+path)
	}
	defer f.Close()
	n, err := risk.ParseNetworks(f)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, path+": "+err.Error()+
			" (install a valid dataset with nhi intel networks --file, or remove this one)")
	}
	return n, nil
}

// newEngine builds the risk engine with the catalogue, the intelligence and the networks
// dataset for dbPath.
func (a *app) newEngine(dbPath string) (*risk.Engine, error) {
	nets, _, err := a.networks(dbPath)
	if err != nil {
		return nil, err
	}
	return newEngineWith(dbPath, nets)
}

// newEngineWith builds the risk engine with the intelligence for dbPath and the networks
// dataset nets (nil: none, and the signals that need one never hit).
func newEngineWith(dbPath string, nets *risk.Networks) (*risk.Engine, error) {
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	intel, err := loadIntel(dbPath)
	if err != nil {
		return nil, err
	}
	return risk.NewEngine(cat, intel, risk.Options{Networks: nets})
}

// writeScore prints a score and the contributions that make it up.
func writeScore(w io.Writer, s risk.Score) error {
	fmt.Fprintf(w, "\nRisk score %d/100 (%s):\n", s.Points, s.Severity)
	if len(s.Contributions) == 0 {
		fmt.Fprintln(w, "  no signal holds")
		return nil
	}
	t := newIndentedTable(w)
	t.row("POINTS", "SEVERITY", "SIGNAL", "OWASP", "EVIDENCE")
	for _, c := range s.Contributions {
		ev := strings.Join(c.Evidence, "; ")
		t.row(fmt.Sprintf("+%d", c.Points), string(c.Severity), c.Signal, strings.Join(owaspShort(c.OWASP), ","), ev)
	}
	return t.flush()
}
