package salesforcesim

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// rawRec is a rendered record.
type rawRec = json.RawMessage

// sfTime formats an instant as the REST API does: 2024-03-02T15:04:05.000+0000.
func sfTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// render writes one record: attributes, then the selected fields in order, with the
// fields of a relationship grouped in a nested record where the relationship first
// appears (null when it points nowhere).
func render(p *plan, r row, version string) rawRec {
	var b bytes.Buffer
	b.WriteByte('{')
	writeAttributes(&b, p.obj.name, r.id, version)
	done := map[string]bool{}
	for _, i := range p.sel {
		fd := p.obj.fields[i]
		if fd.rel == "" {
			writeField(&b, fd.name, r.vals[i])
			continue
		}
		if done[fd.rel] {
			continue
		}
		done[fd.rel] = true
		b.WriteByte(',')
		writeKey(&b, fd.rel)
		relID := r.relIDs[fd.rel]
		if relID == "" {
			b.WriteString("null")
			continue
		}
		b.WriteByte('{')
		writeAttributes(&b, p.obj.relTo[fd.rel], relID, version)
		for _, j := range p.sel {
			if g := p.obj.fields[j]; g.rel == fd.rel {
				writeField(&b, g.name[len(g.rel)+1:], r.vals[j])
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return rawRec(b.Bytes())
}

// writeAttributes writes "attributes":{"type","url"}.
func writeAttributes(b *bytes.Buffer, typ, id, version string) {
	b.WriteString(`"attributes":{"type":`)
	writeString(b, typ)
	b.WriteString(`,"url":`)
	writeString(b, "/services/data/"+version+"/sobjects/"+typ+"/"+id)
	b.WriteByte('}')
}

// writeField writes ,"name":value.
func writeField(b *bytes.Buffer, name string, v any) {
	b.WriteByte(',')
	writeKey(b, name)
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		// A double, as the REST API writes one: 2692.0.
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		b.WriteString(s)
	case time.Time:
		writeString(b, sfTime(x))
	}
}

// writeKey writes "name":.
func writeKey(b *bytes.Buffer, name string) {
	writeString(b, name)
	b.WriteByte(':')
}

// writeString writes s as a JSON string.
func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}
