package policy

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/nhiscope/nhi/risk"
)

// WriteDoc writes docs/policies.md: how policy files are written, the CEL variables and
// their fields (from the code), and each policy of files with the names of its cases.
func WriteDoc(w io.Writer, files []*File, cases []*CaseFile) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("<!-- Generated from policy/*.go and policy/pack by `go test ./policy -run TestDocs -update`. Do not edit. -->\n\n")
	bw.WriteString(docIntro)
	writeVariables(bw)
	bw.WriteString(docFunctions)
	writePack(bw, files, cases)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("policy: write the policy doc: %w", err)
	}
	return nil
}

// writeVariables writes a table per variable of the CEL environment, from the views.
func writeVariables(w *bufio.Writer) {
	w.WriteString("## Variables\n\n| Variable | Type | What it holds |\n|---|---|---|\n")
	for _, v := range variables() {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", v.name, v.typeName, docCell(v.doc))
	}
	seen := map[reflect.Type]bool{}
	for _, v := range variables() {
		switch {
		case v.view != nil && strings.HasPrefix(v.typeName, "list("):
			writeFields(w, v.name+"[]", v.view, seen)
		case v.view != nil:
			writeFields(w, v.name, v.view, seen)
		}
	}
}

// writeFields writes the fields of a view and, after it, of the views its fields hold.
func writeFields(w *bufio.Writer, path string, t reflect.Type, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	fmt.Fprintf(w, "\n### %s\n\n| Field | Type | Meaning |\n|---|---|---|\n", path)
	var nested []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", f.Tag.Get("cel"), celTypeName(f.Type), docCell(f.Tag.Get("doc")))
		if view(f.Type) != nil {
			nested = append(nested, f)
		}
	}
	for _, f := range nested {
		sub := path + "." + f.Tag.Get("cel")
		if f.Type.Kind() == reflect.Slice {
			sub += "[]"
		}
		writeFields(w, sub, view(f.Type), seen)
	}
}

// view returns the view struct a field holds (directly, by pointer or in a list), or nil.
func view(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[identity]().PkgPath() {
		return t
	}
	return nil
}

// celTypeName names the CEL type of a view field.
func celTypeName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[[]string]():
		return "list(string)"
	case t.Kind() == reflect.Map:
		return "map(string, string)"
	case t.Kind() == reflect.Slice:
		return "list(" + view(t).Name() + ")"
	case t.Kind() == reflect.Pointer:
		return view(t).Name()
	case t.Kind() == reflect.Struct:
		return "timestamp"
	case t.Kind() == reflect.Int:
		return "int"
	}
	return t.Kind().String()
}

// writePack writes the summary and the policies of files.
func writePack(w *bufio.Writer, files []*File, cases []*CaseFile) {
	w.WriteString("\n## The built-in pack\n\n")
	w.WriteString("`nhi policy lint` and `nhi policy test` use it when given no files. Every policy proposes\n" +
		"in dry_run (or alert) mode with approval required: the pack never changes a tenant by itself.\n\n")
	w.WriteString("| Policy | OWASP | Severity | Mode | Actions |\n|---|---|---|---|---|\n")
	for _, f := range files {
		for _, p := range f.Policies {
			fmt.Fprintf(w, "| [`%s`](#%s) | %s | %s | %s | %s |\n", p.Name, anchor(p.Name),
				strings.Join(p.OWASP, ", "), p.Severity, p.Mode, actionList(p))
		}
	}
	for _, f := range files {
		for _, p := range f.Policies {
			writePolicy(w, f.Name, p, cases)
		}
	}
}

// writePolicy writes one policy with its cases.
func writePolicy(w *bufio.Writer, file string, p Policy, cases []*CaseFile) {
	fmt.Fprintf(w, "\n### %s\n\n%s\n\n", p.Name, p.Description)
	var items []string
	for _, o := range p.OWASP {
		items = append(items, o+" "+risk.OWASPTitle(o))
	}
	fmt.Fprintf(w, "- OWASP: %s\n- Severity %s, mode %s, approval %s\n- File: `%s`\n\n",
		strings.Join(items, ", "), p.Severity, p.Mode, p.Approval, file)
	fmt.Fprintf(w, "```cel\n%s\n```\n\nThen: %s.\n", strings.TrimSpace(p.When), actionList(p))
	for _, a := range p.Then {
		for _, kv := range [][2]string{{"scopes", a.Scopes}, {"credentials", a.Credentials}, {"message", a.Message}} {
			if kv[1] != "" {
				fmt.Fprintf(w, "\n`%s` %s:\n\n```\n%s\n```\n", a.Type, kv[0], strings.TrimSpace(kv[1]))
			}
		}
	}
	hits, misses := caseNames(p.Name, cases)
	w.WriteString("\nActs on:\n\n")
	for _, c := range hits {
		fmt.Fprintf(w, "- %s\n", c)
	}
	w.WriteString("\nLeaves alone:\n\n")
	for _, c := range misses {
		fmt.Fprintf(w, "- %s\n", c)
	}
}

// caseNames lists the cases that expect a policy to act, and those that expect it not to.
func caseNames(policy string, files []*CaseFile) (hits, misses []string) {
	for _, f := range files {
		for _, c := range f.Cases {
			switch {
			case c.Policy == policy && len(c.Expect) == 0:
				misses = append(misses, c.Name)
			case expects(c, policy):
				hits = append(hits, c.Name)
			}
		}
	}
	return hits, misses
}

func expects(c Case, policy string) bool {
	for _, e := range c.Expect {
		if e.Policy == policy {
			return true
		}
	}
	return false
}

// actionList names the actions of a policy.
func actionList(p Policy) string {
	names := make([]string, len(p.Then))
	for i, a := range p.Then {
		names[i] = "`" + string(a.Type) + "`"
	}
	return strings.Join(names, ", ")
}

// anchor is GitHub's anchor of a heading: lowercase, dots dropped.
func anchor(s string) string { return strings.ReplaceAll(strings.ToLower(s), ".", "") }

// docCell makes text safe inside a Markdown table cell.
func docCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
