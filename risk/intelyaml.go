package risk

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// fields returns the values of a mapping by key, recording unknown and duplicate keys.
func (p *intelParser) fields(m *yaml.Node, known ...string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node, len(known))
	first := make(map[string]int, len(known))
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			p.probs.add(k, "%s: unknown key (known: %s)", k.Value, strings.Join(known, ", "))
		case first[k.Value] != 0:
			p.probs.add(k, "%s: duplicate key (first on line %d)", k.Value, first[k.Value])
		default:
			first[k.Value] = k.Line
			out[k.Value] = v
		}
	}
	return out
}

// text returns a required, non-empty scalar; parent gives the line when it is missing.
func (p *intelParser) text(parent, n *yaml.Node, path string) string {
	if n == nil {
		p.probs.add(parent, "%s: missing", path)
		return ""
	}
	s := p.optional(n, path)
	if s == "" && n.Kind == yaml.ScalarNode {
		p.probs.add(n, "%s: empty", path)
	}
	return s
}

// optional returns a scalar's value made safe to print (nhi.CleanText), or "" when the
// node is absent or null.
func (p *intelParser) optional(n *yaml.Node, path string) string {
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.probs.add(n, "%s: want a single value", path)
		return ""
	}
	return nhi.CleanText(n.Value)
}

// date returns a required YYYY-MM-DD date.
func (p *intelParser) date(parent, n *yaml.Node, path string) string {
	s := p.text(parent, n, path)
	if s == "" {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		p.probs.add(n, "%s: %q is not a date (want YYYY-MM-DD)", path, s)
		return ""
	}
	return s
}

// sources returns a required, non-empty list of https URLs.
func (p *intelParser) sources(parent, n *yaml.Node, path string) []string {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		if n == nil {
			n = parent
		}
		p.probs.add(n, "%s: want a list of at least one https URL", path)
		return nil
	}
	var out []string
	for _, s := range n.Content {
		v := p.optional(s, path)
		if !isHTTPS(v) {
			p.probs.add(s, "%s: %q is not an https URL", path, v)
			continue
		}
		out = append(out, v)
	}
	return out
}
