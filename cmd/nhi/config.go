package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// fileConfig is a parsed nhi.yaml: the database and the connectors to scan.
type fileConfig struct {
	Path          string
	Database      string
	Connectors    []connectorConfig
	Notifications []notificationConfig
	// Policies are policy files or directories loaded beside the built-in pack.
	Policies []string
	// Alerts are where nhi serve sends alerts.
	Alerts []alertConfig
	// Networks is the path of the networks dataset scans and nhi serve use, over the one
	// nhi intel networks installed beside a SQLite database (a PostgreSQL one has no
	// "beside").
	Networks string
}

// connectorConfig is one entry of the connectors list. Settings holds the platform's own
// keys, still as YAML nodes, so their errors can name their lines.
type connectorConfig struct {
	Name     string
	Platform nhi.Platform
	Line     int
	Settings map[string]*yaml.Node
}

// problem is one thing wrong with a configuration file, with its line.
type problem struct {
	Line int
	Path string
	Msg  string
}

// problems is every problem found in a configuration file; it is an error.
type problems struct {
	File string
	List []problem
}

func (p *problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s)", p.File, len(p.List))
	for _, q := range p.List {
		fmt.Fprintf(&b, "\n  %s:%d: %s: %s", p.File, q.Line, q.Path, q.Msg)
	}
	return b.String()
}

func (p *problems) add(line int, path, format string, args ...any) {
	p.List = append(p.List, problem{Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var connectorName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// loadConfig reads and validates a configuration file, reporting every problem at once.
// It checks secret references' form but reads no secret.
func loadConfig(path string) (*fileConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "cannot read configuration "+path)
	}
	return parseConfig(path, b)
}

// parseConfig parses and validates configuration text.
func parseConfig(path string, b []byte) (*fileConfig, error) {
	probs := &problems{File: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, &nhi.Error{Code: nhi.CodeInvalid, Err: err,
			Message: path + ": not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	cfg := &fileConfig{Path: path}
	if len(doc.Content) == 0 {
		probs.add(1, "(file)", "empty configuration: want a mapping with a connectors list")
		return nil, probs.asError()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		probs.add(root.Line, "(file)", "want a mapping with keys database and connectors")
		return nil, probs.asError()
	}
	seenConnectors := false
	dups := duplicateKeys("", probs)
	for k, v := range pairs(root) {
		if dups(k) {
			continue
		}
		switch k.Value {
		case "database":
			cfg.Database = scalar(v, "database", probs)
		case "connectors":
			seenConnectors = true
			cfg.Connectors = parseConnectors(v, probs)
		case "notifications":
			cfg.Notifications = parseNotifications(v, probs)
		case "policies":
			cfg.Policies = parsePolicyPaths(v, probs)
		case "alerts":
			cfg.Alerts = parseAlerts(v, probs)
		case "networks":
			cfg.Networks = scalar(v, "networks", probs)
		default:
			probs.add(k.Line, k.Value, "unknown key (known: database, connectors, notifications, policies, alerts, networks)")
		}
	}
	if !seenConnectors {
		probs.add(root.Line, "connectors", "missing: list at least one connector")
	}
	return cfg, probs.asError()
}

func (p *problems) asError() error {
	if len(p.List) == 0 {
		return nil
	}
	sort.SliceStable(p.List, func(i, j int) bool { return p.List[i].Line < p.List[j].Line })
	return &nhi.Error{Code: nhi.CodeInvalid, Message: p.Error(), Err: errors.New("invalid configuration")}
}

// pairs iterates over the key and value nodes of a mapping.
func pairs(m *yaml.Node) func(func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !yield(m.Content[i], m.Content[i+1]) {
				return
			}
		}
	}
}

// duplicateKeys returns a function that records a problem for a key already seen in the
// same mapping and reports whether it was a duplicate.
func duplicateKeys(prefix string, probs *problems) func(k *yaml.Node) bool {
	seen := map[string]int{}
	return func(k *yaml.Node) bool {
		if first, dup := seen[k.Value]; dup {
			probs.add(k.Line, prefix+k.Value, "duplicate key (first on line %d)", first)
			return true
		}
		seen[k.Value] = k.Line
		return false
	}
}

// scalar returns a scalar node's value, or records a problem.
func scalar(n *yaml.Node, path string, probs *problems) string {
	if n.Kind != yaml.ScalarNode {
		probs.add(n.Line, path, "want a single value")
		return ""
	}
	return n.Value
}

func parseConnectors(n *yaml.Node, probs *problems) []connectorConfig {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		probs.add(n.Line, "connectors", "want a non-empty list of connectors")
		return nil
	}
	var out []connectorConfig
	names := map[string]int{}
	for i, item := range n.Content {
		path := fmt.Sprintf("connectors[%d]", i)
		if item.Kind != yaml.MappingNode {
			probs.add(item.Line, path, "want a mapping with name, platform and the platform's settings")
			continue
		}
		c := connectorConfig{Line: item.Line, Settings: map[string]*yaml.Node{}}
		dups := duplicateKeys(path+".", probs)
		for k, v := range pairs(item) {
			if dups(k) {
				continue
			}
			switch k.Value {
			case "name":
				c.Name = scalar(v, path+".name", probs)
			case "platform":
				c.Platform = nhi.Platform(scalar(v, path+".platform", probs))
			default:
				c.Settings[k.Value] = v
			}
		}
		switch {
		case c.Name == "":
			probs.add(item.Line, path+".name", "required")
		case !connectorName.MatchString(c.Name):
			probs.add(item.Line, path+".name", "%q: use lowercase letters, digits, - and _", c.Name)
		case names[c.Name] > 0:
			probs.add(item.Line, path+".name", "%q is already the name of the connector on line %d", c.Name, names[c.Name])
		default:
			names[c.Name] = item.Line
		}
		p, ok := platformByName(c.Platform)
		if !ok {
			probs.add(item.Line, path+".platform", "%q: want one of %s", c.Platform, strings.Join(platformNames(), ", "))
			continue
		}
		p.check(c, path, probs)
		out = append(out, c)
	}
	return out
}

// setting decodes one platform setting into dst, recording a problem on failure.
func setting(c connectorConfig, key, path string, dst any, probs *problems) {
	n, ok := c.Settings[key]
	if !ok {
		return
	}
	if err := n.Decode(dst); err != nil {
		probs.add(n.Line, path+"."+key, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
}

// unknownSettings records every setting not in known.
func unknownSettings(c connectorConfig, path string, known []string, probs *problems) {
	for k, n := range c.Settings {
		if !slices.Contains(known, k) {
			probs.add(n.Line, path+"."+k, "unknown setting for platform %s (known: %s)", c.Platform, strings.Join(known, ", "))
		}
	}
}

// secretSetting decodes a secret reference and checks its form.
func secretSetting(c connectorConfig, key, path string, probs *problems) connector.SecretRef {
	var s string
	setting(c, key, path, &s, probs)
	n, ok := c.Settings[key]
	if !ok {
		probs.add(c.Line, path+"."+key, "required (env:NAME or file:PATH)")
		return ""
	}
	ref := connector.SecretRef(s)
	if err := ref.Validate(); err != nil {
		probs.add(n.Line, path+"."+key, "%s", nhi.ErrorMessage(err))
	}
	return ref
}
