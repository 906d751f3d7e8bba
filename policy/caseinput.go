package policy

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// inputFields decodes a case file's base: identity, app and owner objects, as maps.
func (d *decoder) inputFields(n *yaml.Node, what string) map[string]map[string]any {
	out := map[string]map[string]any{}
	if n == nil {
		return out
	}
	d.mapping(n, what, map[string]func(*yaml.Node){
		"identity": func(v *yaml.Node) { out["identity"] = d.object(v, what+": identity") },
		"app":      func(v *yaml.Node) { out["app"] = d.object(v, what+": app") },
		"owner":    func(v *yaml.Node) { out["owner"] = d.object(v, what+": owner") },
	})
	return out
}

// merge returns base with the keys of over laid on each object.
func merge(base, over map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, m := range []map[string]map[string]any{base, over} {
		for obj, fields := range m {
			if out[obj] == nil {
				out[obj] = map[string]any{}
			}
			for k, v := range fields {
				out[obj][k] = v
			}
		}
	}
	return out
}

// input decodes the objects of a case into an Input through nhi's JSON field names.
func (d *decoder) input(n *yaml.Node, what string, objs map[string]map[string]any, findings *yaml.Node, now time.Time) Input {
	in := Input{Now: now}
	d.decodeJSON(n, what+": identity", objs["identity"], &in.Identity)
	d.decodeJSON(n, what+": app", objs["app"], &in.App)
	d.decodeJSON(n, what+": owner", objs["owner"], &in.Owner)
	if findings != nil {
		for _, it := range d.seq(findings, what+": findings") {
			var f nhi.Finding
			d.decodeJSON(it, what+": findings", d.object(it, what+": findings"), &f)
			if f.Status == "" {
				f.Status = nhi.FindingOpen
			}
			in.Findings = append(in.Findings, f)
		}
	}
	id := &in.Identity
	if id.ID == "" && id.ExternalID != "" {
		id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	}
	return in
}

// decodeJSON decodes an object into v by its JSON field names; unknown fields are problems.
func (d *decoder) decodeJSON(n *yaml.Node, what string, obj map[string]any, v any) {
	if obj == nil {
		return
	}
	b, err := json.Marshal(obj)
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
	}
	if err != nil {
		d.errorf(n, "%s: %s", what, strings.TrimPrefix(err.Error(), "json: "))
	}
}

// object decodes a mapping node into a map of plain values.
func (d *decoder) object(n *yaml.Node, what string) map[string]any {
	if !d.kind(n, yaml.MappingNode, what, "a mapping") {
		return nil
	}
	v, _ := d.value(n, what).(map[string]any)
	return v
}

// value decodes a node into plain values: maps, lists, strings, numbers, booleans, nil.
func (d *decoder) value(n *yaml.Node, what string) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				d.errorf(k, "%s: keys must be plain words", what)
				continue
			}
			m[k.Value] = d.value(n.Content[i+1], what)
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, it := range n.Content {
			l = append(l, d.value(it, what))
		}
		return l
	case yaml.ScalarNode:
		return d.scalarValue(n, what)
	}
	d.errorf(n, "%s: YAML aliases are not supported", what)
	return nil
}

// scalarValue decodes a scalar by its YAML tag; timestamps stay text.
func (d *decoder) scalarValue(n *yaml.Node, what string) any {
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
		d.errorf(n, "%s: %q is not a finite number", what, n.Value)
		return nil
	}
	return n.Value
}
