package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
)

func (a *app) policyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Check policies and preview what they would propose",
		Long: "Policies are YAML files whose CEL expressions say which identities nhi acts on and\n" +
			"how (see docs/policies.md). Without files, the commands use the built-in pack.",
	}
	cmd.AddCommand(a.policyLintCmd(), a.policyTestCmd())
	return cmd
}

func (a *app) policyLintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lint [FILE|DIR...]",
		Short: "Check policy files and report every problem, with its file and line",
		Long: "Checks the policy files (a directory stands for its *.yaml and *.yml files), or the\n" +
			"built-in pack without arguments. Exit code 2 when a file has a problem.",
		Example: "  nhi policy lint\n  nhi policy lint policies/",
		RunE: func(_ *cobra.Command, args []string) error {
			set, n, err := a.compilePolicies(args, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "ok: %d policies in %d files\n", len(set.Policies()), n)
			return nil
		},
	}
}

// compilePolicies reads and compiles the policy files at paths (the built-in pack when
// there are none). Problems are printed on stderr and end the command with exit code 2.
// It returns the set and how many files it read.
func (a *app) compilePolicies(paths []string, intel *risk.Intel) (*policy.Set, int, error) {
	files, problems, err := readPolicies(paths)
	if err != nil {
		return nil, 0, err
	}
	set, err := a.compileFiles(files, problems, intel)
	return set, len(files), err
}

// compileFiles compiles parsed policy files; problems (those of files that did not parse,
// then the compiler's) are printed on stderr and end the command with exit code 2.
func (a *app) compileFiles(files []*policy.File, problems []policy.Problem, intel *risk.Intel) (*policy.Set, error) {
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	set, err := policy.Compile(policy.Options{Catalogue: cat, Intel: intel}, files...)
	var pe *policy.Error
	switch {
	case errors.As(err, &pe):
		problems = append(problems, pe.Problems...)
	case err != nil:
		return nil, err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(a.stderr, nhi.CleanText(p.String()))
		}
		return nil, &exitStatus{code: exitUsage, msg: fmt.Sprintf("%d problem(s) in the policy files", len(problems))}
	}
	return set, nil
}

// scanPolicies compiles the policies a scan evaluates: the built-in pack and the files
// and directories the configuration lists.
func (a *app) scanPolicies(cfg *fileConfig, dbPath string) (*policy.Set, error) {
	intel, err := loadIntel(dbPath)
	if err != nil {
		return nil, err
	}
	files, err := policy.DefaultPack()
	if err != nil {
		return nil, err
	}
	var problems []policy.Problem
	if cfg != nil && len(cfg.Policies) > 0 {
		more, probs, err := readPolicies(cfg.Policies)
		if err != nil {
			return nil, err
		}
		files, problems = append(files, more...), probs
	}
	return a.compileFiles(files, problems, intel)
}

// readPolicies parses the policy files at paths, or the built-in pack when there are none.
// The problems of files Parse could not read at all are returned; Compile reports those
// of the others.
func readPolicies(paths []string) ([]*policy.File, []policy.Problem, error) {
	if len(paths) == 0 {
		files, err := policy.DefaultPack()
		return files, nil, err
	}
	names, err := expandPaths(paths)
	if err != nil {
		return nil, nil, err
	}
	var files []*policy.File
	var problems []policy.Problem
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read "+name)
		}
		f, err := policy.Parse(name, b)
		var pe *policy.Error
		switch {
		case f != nil:
			files = append(files, f)
		case errors.As(err, &pe):
			problems = append(problems, pe.Problems...)
		}
	}
	return files, problems, nil
}

// expandPaths replaces each directory of paths by its *.yaml and *.yml files, sorted.
func expandPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read "+p)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		for _, pattern := range []string{"*.yaml", "*.yml"} {
			m, _ := filepath.Glob(filepath.Join(p, pattern))
			found = append(found, m...)
		}
		if len(found) == 0 {
			return nil, nhi.Errorf(nhi.CodeInvalid, "no *.yaml or *.yml files in %s", p)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

type policyTestFlags struct {
	cases, output string
	inventory     bool
	limit         int
}

func (a *app) policyTestCmd() *cobra.Command {
	var f policyTestFlags
	cmd := &cobra.Command{
		Use:   "test [FILE|DIR...] [--cases FILE|DIR | --inventory]",
		Short: "Run policies against case files, or preview them against the stored inventory",
		Long: "With --cases, evaluates each case's input and compares the proposals with the case's\n" +
			"expected actions, printing PASS or FAIL per case (exit code 1 when one fails). Case\n" +
			"files are described in docs/policies.md; cases use the built-in threat intelligence.\n" +
			"Without files or --cases, the built-in pack runs against its own cases.\n\n" +
			"With --inventory, evaluates every identity of the database and prints what each\n" +
			"policy would propose, then a count per policy and action. Nothing is changed.",
		Example: "  nhi policy test\n  nhi policy test policies/ --cases policies/cases/\n  nhi policy test --inventory --db nhi.db",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case f.inventory && f.cases != "":
				return nhi.Errorf(nhi.CodeInvalid, "--cases and --inventory cannot be used together")
			case f.output != formatTable && f.output != formatJSON:
				return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", f.output)
			case f.inventory:
				return a.previewPolicies(cmd.Context(), args, f)
			case f.cases == "" && len(args) > 0:
				return nhi.Errorf(nhi.CodeInvalid, "say what to test the policies on: --cases FILE|DIR or --inventory")
			}
			return a.testCases(args, f)
		},
	}
	cmd.Flags().StringVar(&f.cases, "cases", "", "case file or directory (default with no policy files: the built-in cases)")
	cmd.Flags().BoolVar(&f.inventory, "inventory", false, "preview the policies against the stored inventory")
	cmd.Flags().StringVarP(&f.output, "output", "o", formatTable, "output format: table or json")
	cmd.Flags().IntVar(&f.limit, "limit", -1, "with --inventory: at most this many proposals listed; 0 for all (default: 100 for table)")
	return cmd
}
