package policy

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
)

// pack holds the built-in policy pack and the cases that show what each policy does.
//
//go:embed pack/*.yaml pack/cases/*.yaml
var pack embed.FS

// DefaultPack parses the built-in policy pack: one file per OWASP NHI Top 10 item nhi can
// see, every policy in dry_run mode.
func DefaultPack() ([]*File, error) {
	var out []*File
	err := readPack("pack/*.yaml", func(name string, b []byte) error {
		f, err := Parse(name, b)
		out = append(out, f)
		return err
	})
	return out, err
}

// DefaultCases parses the cases of the built-in pack: for every policy, inputs it must
// act on and inputs it must leave alone.
func DefaultCases() ([]*CaseFile, error) {
	var out []*CaseFile
	err := readPack("pack/cases/*.yaml", func(name string, b []byte) error {
		f, err := ParseCases(name, b)
		out = append(out, f)
		return err
	})
	return out, err
}

// readPack calls fn with each embedded file matching pattern, in name order, and stops
// at the first error.
func readPack(pattern string, fn func(name string, b []byte) error) error {
	names, err := fs.Glob(pack, pattern)
	if err != nil {
		return fmt.Errorf("policy: list the built-in pack: %w", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(pack, name)
		if err != nil {
			return fmt.Errorf("policy: read the built-in pack: %w", err)
		}
		if err := fn(path.Join("policy", name), b); err != nil {
			return err
		}
	}
	return nil
}
