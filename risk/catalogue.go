// Package risk classifies what non-human identities can reach. It holds the permission
// catalogue: for each platform, each scope or permission with a tier, the data it reaches,
// the platform's own label where it publishes one, and the source of the entry. The
// catalogue is data embedded in the binary; lookups are map reads. The package is pure:
// no I/O beyond reading its embedded files.
package risk

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// Tier ranks how dangerous a permission is.
type Tier int

// The tiers, from unknown (not in the catalogue) to critical.
const (
	TierUnknown Tier = iota
	TierLow
	TierMedium
	TierHigh
	TierCritical
)

var tierNames = [...]string{"unknown", "low", "medium", "high", "critical"}

// String returns the tier's name.
func (t Tier) String() string {
	if t < 0 || int(t) >= len(tierNames) {
		return "unknown"
	}
	return tierNames[t]
}

// ParseTier returns the tier with the given name.
func ParseTier(s string) (Tier, error) {
	for i, n := range tierNames {
		if n == s {
			return Tier(i), nil
		}
	}
	return TierUnknown, nhi.Errorf(nhi.CodeInvalid, "unknown tier %q (want low, medium, high or critical)", s)
}

// Permission is one catalogue entry.
type Permission struct {
	Platform nhi.Platform
	Scope    string
	Tier     Tier
	// Data lists what the permission reaches: mail, files, code, directory, admin, ...
	Data []string
	// Label is the platform's own label (Google restricted or sensitive), if any.
	Label string
	// Note explains a tier that is not obvious from the scope's name.
	Note string
	// Source is where the entry's facts come from.
	Source string
}

//go:embed permissions/*.yaml
var permissionFiles embed.FS

type key struct {
	platform nhi.Platform
	scope    string
}

// Catalogue is the permission catalogue. It is immutable and safe for concurrent use.
type Catalogue struct {
	byKey map[key]Permission
}

// DefaultCatalogue parses the catalogue embedded in the binary.
func DefaultCatalogue() (*Catalogue, error) {
	return LoadCatalogue(permissionFiles)
}

// LoadCatalogue parses every permissions/*.yaml file of fsys.
func LoadCatalogue(fsys fs.FS) (*Catalogue, error) {
	names, err := fs.Glob(fsys, "permissions/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("risk: list catalogue files: %w", err)
	}
	c := &Catalogue{byKey: make(map[key]Permission)}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("risk: read %s: %w", name, err)
		}
		if err := c.add(name, b); err != nil {
			return nil, err
		}
	}
	return c, nil
}

type catalogueFile struct {
	Platform nhi.Platform `yaml:"platform"`
	Source   string       `yaml:"source"`
	Scopes   []struct {
		Scope  string   `yaml:"scope"`
		Tier   string   `yaml:"tier"`
		Data   []string `yaml:"data"`
		Label  string   `yaml:"label"`
		Note   string   `yaml:"note"`
		Source string   `yaml:"source"`
	} `yaml:"scopes"`
}

func (c *Catalogue) add(name string, b []byte) error {
	var f catalogueFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("risk: parse %s: %w", name, err)
	}
	if f.Platform == "" {
		return fmt.Errorf("risk: %s: no platform", name)
	}
	for i, s := range f.Scopes {
		t, err := ParseTier(s.Tier)
		if err != nil || t == TierUnknown {
			return fmt.Errorf("risk: %s: entry %d (%s): bad tier %q", name, i+1, s.Scope, s.Tier)
		}
		k := key{f.Platform, s.Scope}
		if _, dup := c.byKey[k]; dup || s.Scope == "" {
			return fmt.Errorf("risk: %s: entry %d: empty or duplicate scope %q", name, i+1, s.Scope)
		}
		src := s.Source
		if src == "" {
			src = f.Source
		}
		c.byKey[k] = Permission{Platform: f.Platform, Scope: s.Scope, Tier: t, Data: s.Data,
			Label: s.Label, Note: s.Note, Source: src}
	}
	return nil
}

// Lookup returns the catalogue entry of a scope. An unknown scope returns false and a
// Permission with TierUnknown: unknown is reported as unknown, never as low.
func (c *Catalogue) Lookup(p nhi.Platform, scope string) (Permission, bool) {
	perm, ok := c.byKey[key{p, scope}]
	if !ok && p == nhi.PlatformGitHub && strings.HasSuffix(scope, ":admin") {
		// A GitHub permission at admin includes write: it is at least as dangerous.
		if w, found := c.byKey[key{p, strings.TrimSuffix(scope, ":admin") + ":write"}]; found {
			w.Scope = scope
			return w, true
		}
	}
	if !ok {
		return Permission{Platform: p, Scope: scope, Tier: TierUnknown}, false
	}
	return perm, true
}

// All returns every entry, ordered by platform, tier (most dangerous first) and scope.
func (c *Catalogue) All() []Permission {
	out := make([]Permission, 0, len(c.byKey))
	for _, p := range c.byKey {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Platform != b.Platform {
			return a.Platform < b.Platform
		}
		if a.Tier != b.Tier {
			return a.Tier > b.Tier
		}
		return a.Scope < b.Scope
	})
	return out
}

// Reach summarises a set of scopes: the highest tier, how many scopes are in each tier,
// and which scopes are unknown to the catalogue.
type Reach struct {
	Max     Tier
	ByTier  [TierCritical + 1]int
	Unknown []string
	// Top lists the scopes of the highest known tier, sorted.
	Top []string
}

// Assess summarises the reach of scopes on a platform.
func (c *Catalogue) Assess(p nhi.Platform, scopes []string) Reach {
	var r Reach
	for _, s := range scopes {
		perm, ok := c.Lookup(p, s)
		r.ByTier[perm.Tier]++
		if !ok {
			r.Unknown = append(r.Unknown, s)
			continue
		}
		switch {
		case perm.Tier > r.Max:
			r.Max, r.Top = perm.Tier, []string{s}
		case perm.Tier == r.Max:
			r.Top = append(r.Top, s)
		}
	}
	sort.Strings(r.Top)
	return r
}

// Less reports whether reach a is less dangerous than b: by highest tier, then by the
// number of scopes in each tier from critical down.
func (a Reach) Less(b Reach) bool {
	if a.Max != b.Max {
		return a.Max < b.Max
	}
	for t := TierCritical; t > TierUnknown; t-- {
		if a.ByTier[t] != b.ByTier[t] {
			return a.ByTier[t] < b.ByTier[t]
		}
	}
	return false
}
