package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest policy or case file Parse and ParseCases read.
const MaxFileSize = 1 << 20

// decoder walks the yaml.v3 node tree of one file, recording every problem with the
// file's name and the node's line and column.
type decoder struct {
	file string
	ps   *problems
}

// errorf records a problem at node n (at the start of the file when n is nil).
func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.ps.add(d.file, line, col, format, args...)
}

// document parses b and returns its root node, or nil after recording why it cannot.
func (d *decoder) document(b []byte) (root *yaml.Node) {
	if len(b) > MaxFileSize {
		d.errorf(nil, "file is larger than %d bytes", MaxFileSize)
		return nil
	}
	defer func() {
		// yaml.v3 has panicked on malformed input before; a policy file is user input.
		if r := recover(); r != nil {
			d.errorf(nil, "invalid YAML: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(nil, "empty file")
		} else {
			d.yamlError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		d.errorf(&extra, "a file holds one YAML document")
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		d.errorf(&doc, "empty file")
		return nil
	}
	return doc.Content[0]
}

// yamlLine finds the line yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError records a YAML syntax error at its line.
func (d *decoder) yamlError(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.ps.add(d.file, line, 0, "invalid YAML: %s", m[2])
		return
	}
	d.errorf(nil, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// mapping walks a mapping node, calling the handler of each key. It records unknown,
// duplicate and non-string keys, and the keys of required that are missing.
func (d *decoder) mapping(n *yaml.Node, what string, fields map[string]func(v *yaml.Node), required ...string) bool {
	if !d.kind(n, yaml.MappingNode, what, "a mapping") {
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: keys must be plain words", what)
			continue
		}
		fn, ok := fields[k.Value]
		switch {
		case !ok:
			d.errorf(k, "%s: unknown key %q (want %s)", what, k.Value, keyList(fields))
			continue
		case seen[k.Value]:
			d.errorf(k, "%s: duplicate key %q", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			d.errorf(v, "%s: YAML aliases are not supported", what)
			continue
		}
		fn(v)
	}
	for _, r := range required {
		if !seen[r] {
			d.errorf(n, "%s: %q is required", what, r)
		}
	}
	return true
}

// keyList lists the known keys of a mapping, sorted.
func keyList[V any](fields map[string]V) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// kind records a problem unless n is of kind k, described as want.
func (d *decoder) kind(n *yaml.Node, k yaml.Kind, what, want string) bool {
	if n.Kind == k {
		return true
	}
	if n.Kind == yaml.AliasNode {
		d.errorf(n, "%s: YAML aliases are not supported", what)
		return false
	}
	d.errorf(n, "%s: want %s, got %s", what, want, describeNode(n))
	return false
}

// describeNode names what a node holds, for problems.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// scalar returns the text of a scalar node (empty for null), recording a problem when n
// is not a scalar.
func (d *decoder) scalar(n *yaml.Node, what string) (string, bool) {
	if !d.kind(n, yaml.ScalarNode, what, "a text") {
		return "", false
	}
	if n.Tag == "!!null" {
		return "", true
	}
	return n.Value, true
}

// oneOf returns the text of a scalar that must be one of allowed.
func (d *decoder) oneOf(n *yaml.Node, what string, allowed ...string) (string, bool) {
	s, ok := d.scalar(n, what)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		d.errorf(n, "%s: %q is not one of %s", what, s, strings.Join(allowed, ", "))
		return "", false
	}
	return s, true
}

// seq returns the items of a sequence node.
func (d *decoder) seq(n *yaml.Node, what string) []*yaml.Node {
	if !d.kind(n, yaml.SequenceNode, what, "a list") {
		return nil
	}
	return n.Content
}
