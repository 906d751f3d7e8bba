package googleworkspacesim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admin "google.golang.org/api/admin/directory/v1"
	reports "google.golang.org/api/admin/reports/v1"
)

// maskString renders a mask canonically: members sorted, sub-selections in parentheses.
func maskString(m *fieldMask) string {
	if m == nil {
		return "*"
	}
	var parts []string
	for name, sub := range m.members {
		if sub != nil {
			name += "(" + maskString(sub) + ")"
		}
		parts = append(parts, name)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func TestParseFields(t *testing.T) {
	t.Parallel()
	schema := mustSchema("kind,etag,nextPageToken,items(id(time,uniqueQualifier),actor(email,profileId),events(name,parameters(name,value)))")
	tests := []struct {
		in, want string
	}{
		{"", "*"},
		{"*", "*"},
		{"kind", "kind"},
		{"kind,etag", "etag,kind"},
		{"items/id/time", "items(id(time))"},
		{"items(id,actor/email)", "items(actor(email),id)"},
		{"items(id/time),items(id/uniqueQualifier)", "items(id(time,uniqueQualifier))"},
		{"items/id,items/id/time", "items(id)"},
		{"items/id/time,items/id", "items(id)"},
		{"items,items/id", "items"},
		{"items/*", "items(*)"},
		{"items(events(parameters(name,value)),id)", "items(events(parameters(name,value)),id)"},
		{"nextPageToken,items(id(time,uniqueQualifier),actor/profileId,events(name,parameters(name,value)))",
			"items(actor(profileId),events(name,parameters(name,value)),id(time,uniqueQualifier)),nextPageToken"},
	}
	for _, tt := range tests {
		m, e := parseFields(tt.in, schema)
		if e != nil {
			t.Errorf("parseFields(%q): %s", tt.in, e.Message)
			continue
		}
		if got := maskString(m); got != tt.want {
			t.Errorf("parseFields(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseFieldsRejects(t *testing.T) {
	t.Parallel()
	schema := mustSchema("kind,items(id(time),actor(email))")
	tests := []struct {
		in, name string // name is the selection the message names
	}{
		{"nope", "nope"},
		{"kind,nope", "nope"},
		{"items(id/nope)", "nope"},
		{"items/actor/profileId", "profileId"},
		{"kind/x", "x"},
		{"items(", "items("},
		{"items)", "items)"},
		{"items()", "items()"},
		{",kind", ",kind"},
		{"kind,", "kind,"},
		{"items//id", "items//id"},
		{"items(id)(actor)", "items(id)(actor)"},
		{"kind etag", "kind etag"},
		{strings.Repeat("items(", 20) + "id" + strings.Repeat(")", 20), strings.Repeat("items(", 20) + "id" + strings.Repeat(")", 20)},
	}
	for _, tt := range tests {
		_, e := parseFields(tt.in, schema)
		if e == nil {
			t.Errorf("parseFields(%q) accepted it", tt.in)
			continue
		}
		want := apiError{Code: http.StatusBadRequest, Message: "Invalid field selection " + tt.name,
			Reason: "invalidParameter", Location: "fields", LocationType: "parameter"}
		if diff := cmp.Diff(want, *e); diff != "" {
			t.Errorf("parseFields(%q) error (-want +got):\n%s", tt.in, diff)
		}
	}
}

// filterJSON is the reference partial response: v, decoded, reduced to what m selects.
func filterJSON(v any, m *fieldMask) any {
	if m == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if m.has(k) {
				out[k] = filterJSON(val, m.sub(k))
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = filterJSON(x[i], m)
		}
		return out
	}
	return v
}

// TestFieldsFilterAnswers checks every filtered endpoint against the reference: the answer
// with fields equals the answer without, reduced to the selection.
func TestFieldsFilterAnswers(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	s, u, tok := newTestServer(t, e, Options{MaxPageSize: 3})
	holder := e.People[e.Grants[0].Person]
	acts := u + "/admin/reports/v1/activity/users/all/applications/"
	tests := []struct {
		url    string
		schema *fieldMask
		fields []string
	}{
		{acts + "token", s.schemas.activities, []string{
			"nextPageToken,items(id(time,uniqueQualifier),actor/profileId,events(name,parameters(name,value)))",
			"items(id,actor/email)", "nextPageToken", "kind,etag", "*", "items/*", "items(id/*,events/name)",
			"items/events/parameters(name,multiValue,intValue)",
			"items(events(parameters(multiMessageValue(parameter/value))))",
			"items/events/parameters/multiMessageValue", "items(ipAddress,ownerDomain,etag,kind)",
		}},
		{acts + "admin", s.schemas.activities, []string{"items(events(type,name,parameters(name,value,multiValue)))", "items/id/time"}},
		{u + "/admin/directory/v1/users?customer=my_customer", s.schemas.users, []string{
			"nextPageToken,users(id,primaryEmail,name(givenName,familyName,fullName),isAdmin,isDelegatedAdmin," +
				"lastLoginTime,creationTime,suspended,archived,orgUnitPath,customerId)",
			"users(emails/address,name/fullName)", "users/suspensionReason", "kind,etag", "users/*",
		}},
		{u + "/admin/directory/v1/users?customer=my_customer&showDeleted=true", s.schemas.users, []string{"users(id,deletionTime)"}},
		{u + "/admin/directory/v1/users/" + holder.Email + "/tokens", s.schemas.tokens, []string{
			"items(clientId,displayText,anonymous,nativeApp,scopes)", "etag", "items/*", "kind,items/userKey",
		}},
		{u + "/admin/directory/v1/users/" + holder.Email + "/tokens/" + e.Vendors[e.Grants[0].Vendor].GoogleClientID,
			s.schemas.token, []string{"clientId,scopes", "etag,kind"}},
	}
	for _, tt := range tests {
		var full any
		getJSON(t, tt.url, tok, &full)
		for _, f := range tt.fields {
			m, perr := parseFields(f, tt.schema)
			if perr != nil {
				t.Fatalf("fields %q: %s", f, perr.Message)
			}
			sep := "?"
			if strings.Contains(tt.url, "?") {
				sep = "&"
			}
			status, body := call(t, http.MethodGet, tt.url+sep+"fields="+url.QueryEscape(f), tok)
			var got any
			if err := json.Unmarshal(body, &got); status != http.StatusOK || err != nil {
				t.Fatalf("GET %s fields=%s: %d %v: %s", tt.url, f, status, err, body)
			}
			if diff := cmp.Diff(filterJSON(full, m), got); diff != "" {
				t.Errorf("GET %s fields=%s (-want +got):\n%s", tt.url, f, diff)
			}
		}
	}
}

func TestFieldsErrorAnswers(t *testing.T) {
	t.Parallel()
	e := smallEstate()
	_, u, tok := newTestServer(t, e, Options{})
	holder := e.People[e.Grants[0].Person]
	for _, target := range []string{
		u + "/admin/reports/v1/activity/users/all/applications/token?fields=items(id/nope)",
		u + "/admin/directory/v1/users?customer=my_customer&fields=users(nope)",
		u + "/admin/directory/v1/users/" + holder.Email + "/tokens?fields=items/nope",
		u + "/admin/directory/v1/users/nobody@example.com/tokens?fields=nope",
		u + "/admin/directory/v1/users/" + holder.Email + "/tokens/x?fields=nope",
	} {
		status, body := call(t, http.MethodGet, target, tok)
		var ge googleError
		if err := json.Unmarshal(body, &ge); err != nil || status != http.StatusBadRequest || len(ge.Error.Errors) != 1 {
			t.Errorf("GET %s: %d %v: %s", target, status, err, body)
			continue
		}
		if it := ge.Error.Errors[0]; ge.Error.Message != "Invalid field selection nope" || it.Reason != "invalidParameter" ||
			it.Location != "fields" || it.LocationType != "parameter" {
			t.Errorf("GET %s: error %+v", target, ge.Error)
		}
	}
}

// jsonMembers returns the JSON member names of a struct type and their types.
func jsonMembers(typ reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = f.Type
	}
	return out
}

// checkSchema checks that schema names exactly the members of typ (a struct type, behind
// pointers and slices), recursively where schema describes them.
func checkSchema(t *testing.T, path string, schema *fieldMask, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct {
		return // the client leaves it untyped (emails is an interface{})
	}
	members := jsonMembers(typ)
	for name, ft := range members {
		sub, ok := schema.members[name]
		if !ok {
			t.Errorf("%s: schema lacks %s", path, name)
			continue
		}
		if sub != nil {
			checkSchema(t, path+"/"+name, sub, ft)
		}
	}
	for name := range schema.members {
		if _, ok := members[name]; !ok {
			t.Errorf("%s: schema has %s, Google's client does not", path, name)
		}
	}
}

// TestSchemasFollowGoogle holds the schemas the fields parameter is checked against to the
// resources of Google's Go clients (generated from Google's discovery documents).
func TestSchemasFollowGoogle(t *testing.T) {
	t.Parallel()
	sc := newSchemas()
	checkSchema(t, "activities", sc.activities, reflect.TypeFor[reports.Activities]())
	checkSchema(t, "users", sc.users, reflect.TypeFor[admin.Users]())
	checkSchema(t, "tokens", sc.tokens, reflect.TypeFor[admin.Tokens]())
	checkSchema(t, "token", sc.token, reflect.TypeFor[admin.Token]())
}
