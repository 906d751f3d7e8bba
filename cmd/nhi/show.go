package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// writeIdentity prints one identity for a person to read.
func writeIdentity(w io.Writer, id nhi.Identity, owner nhi.Person, app nhi.App, cat *risk.Catalogue, now time.Time) error {
	t := newTable(w)
	field := func(k, v string) {
		if v != "" {
			t.row(k, v)
		}
	}
	field("ID", id.ID)
	field("Kind", string(id.Kind))
	field("Name", id.Name)
	field("Platform", string(id.Platform)+" (tenant "+id.Tenant+")")
	field("External ID", id.ExternalID)
	if app.ExternalID != "" {
		field("App", fmt.Sprintf("%s (%s), %d users", app.Name, app.ExternalID, app.Users))
	} else {
		field("App", id.AppID)
	}
	if owner.ExternalID != "" {
		field("Owner", fmt.Sprintf("%s (%s%s)", owner.Email, owner.Status, adminMark(owner)))
	}
	field("Created", stampOr(id.CreatedAt, "unknown (before the audit window)"))
	field("Last used", ago(now, id.LastUsedAt)+dateSuffix(id.LastUsedAt))
	field("Expires", stampOr(id.ExpiresAt, "never or unknown"))
	field("First seen", stamp(id.FirstSeen))
	field("Last seen", stamp(id.LastSeen))
	if !id.GoneAt.IsZero() {
		field("Gone since", stamp(id.GoneAt))
	}
	keys := make([]string, 0, len(id.Attributes))
	for k := range id.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k, id.Attributes[k])
	}
	if err := t.flush(); err != nil {
		return err
	}
	return writePermissions(w, id, cat)
}

// writePermissions lists the identity's permissions, most dangerous first.
func writePermissions(w io.Writer, id nhi.Identity, cat *risk.Catalogue) error {
	perms := make([]risk.Permission, 0, len(id.Permissions))
	for _, p := range id.Permissions {
		e, _ := cat.Lookup(id.Platform, p.Scope)
		perms = append(perms, e)
	}
	sort.SliceStable(perms, func(i, j int) bool { return perms[i].Tier > perms[j].Tier })
	fmt.Fprintf(w, "\nPermissions (%d):\n", len(perms))
	t := newIndentedTable(w)
	for _, p := range perms {
		t.row(strings.ToUpper(p.Tier.String()), p.Scope, strings.Join(p.Data, ","), p.Label)
	}
	if err := t.flush(); err != nil {
		return err
	}
	if len(id.Credentials) > 0 {
		fmt.Fprintf(w, "\nCredentials (%d):\n", len(id.Credentials))
		t = newIndentedTable(w)
		for _, c := range id.Credentials {
			t.row(c.Type, c.ID, c.Fingerprint, "created "+when(c.CreatedAt, "?"), "expires "+when(c.ExpiresAt, "never"))
		}
		return t.flush()
	}
	return nil
}

func adminMark(p nhi.Person) string {
	if p.IsAdmin {
		return ", admin"
	}
	return ""
}

func stampOr(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return stamp(t)
}

func dateSuffix(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " (" + stamp(t) + ")"
}
