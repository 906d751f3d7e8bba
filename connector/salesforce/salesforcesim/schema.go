package salesforcesim

import (
	"strings"
	"time"
)

// kind is the SOAP type of a field, which decides the literals it compares with.
type kind int

// The kinds of fields.
const (
	kString kind = iota
	kID          // an ID or a reference to one
	kBool
	kInt
	kDouble
	kDateTime
	kBase64 // a blob, which the REST API answers with the URL of its content
)

// String names the kind as Salesforce's filter errors do.
func (k kind) String() string {
	switch k {
	case kID:
		return "id"
	case kBool:
		return "boolean"
	case kInt:
		return "int"
	case kDouble:
		return "double"
	case kBase64:
		return "base64"
	case kDateTime:
		return "dateTime"
	}
	return "string"
}

// fieldDef is a field of an object; rel names the relationship of a field such as
// Profile.Name ("Profile"), "" for the object's own fields.
type fieldDef struct {
	name string
	kind kind
	rel  string
}

// row is one record: its ID (for attributes.url), its values in the order of the
// object's fields (nil, string, bool, int64 or time.Time) and the IDs of the records its
// relationships point at.
type row struct {
	id     string
	vals   []any
	relIDs map[string]string
}

// sobject is a queryable object: its fields, its relationships (name to the type they
// point at) and how to list the rows a caller may see.
type sobject struct {
	name   string
	fields []fieldDef
	index  map[string]int
	rels   map[string]string // lower-case relationship name -> canonical name
	relTo  map[string]string // canonical relationship name -> object type
	rows   func(s *Server, c caller, now time.Time) []row
	hidden func(c caller) bool // the caller may not see the object at all
}

// newObject indexes the fields of an object. Fields named "Rel.Field" are relationship
// fields; relTo says which type each relationship points at.
func newObject(name string, relTo map[string]string, fields ...fieldDef) *sobject {
	o := &sobject{name: name, index: map[string]int{}, rels: map[string]string{}, relTo: relTo}
	for i, f := range fields {
		if rel, _, ok := strings.Cut(f.name, "."); ok {
			f.rel = rel
			o.rels[strings.ToLower(rel)] = rel
		}
		fields[i] = f
		o.index[strings.ToLower(f.name)] = i
	}
	o.fields = fields
	return o
}

// field returns the index of the field at path (any case).
func (o *sobject) field(path string) (int, bool) {
	i, ok := o.index[strings.ToLower(path)]
	return i, ok
}

// catalog returns the objects the simulator serves, by lower-case name.
func catalog() map[string]*sobject {
	objs := []*sobject{userObject(), userLoginObject(), permSetAssignObject(), connectedAppObject(), appMenuItemObject(),
		oauthTokenObject(), loginHistoryObject(), eventLogFileObject()}
	m := map[string]*sobject{}
	for _, o := range objs {
		m[strings.ToLower(o.name)] = o
	}
	return m
}

// f is shorthand for a field definition.
func f(name string, k kind) fieldDef { return fieldDef{name: name, kind: k} }

// nilTime returns t, or nil when t is zero.
func nilTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// nilString returns s, or nil when s is empty.
func nilString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
