package estate

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

func TestPermissionTables(t *testing.T) {
	t.Parallel()
	ids := make(map[string]string)
	for name, perms := range map[string][]MSPermission{
		"graph roles": graphAppRoles(), "graph scopes": graphScopes(),
		"exchange roles": exchangeAppRoles(), "exchange scopes": exchangeScopes(),
	} {
		values := make(map[string]bool)
		for _, p := range perms {
			if !guidRE.MatchString(p.ID) {
				t.Errorf("%s: %s has malformed ID %q", name, p.Value, p.ID)
			}
			if other, ok := ids[p.ID]; ok {
				t.Errorf("%s: %s has the ID of %s", name, p.Value, other)
			}
			ids[p.ID] = p.Value
			if values[p.Value] {
				t.Errorf("%s: %s listed twice", name, p.Value)
			}
			values[p.Value] = true
			if p.Value == "" || p.DisplayName == "" {
				t.Errorf("%s: incomplete permission %+v", name, p)
			}
		}
	}
}

// TestPermissionIDs pins IDs that Microsoft's documentation prints (the Graph
// permissions reference and the EWS OAuth guide), as quoted in
// shared/reference/saas-apis.md sections 2 and 9.2.
func TestPermissionIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		perms     []MSPermission
		value, id string
	}{
		{graphAppRoles(), "RoleManagement.ReadWrite.Directory", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"},
		{graphAppRoles(), "AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f"},
		{graphAppRoles(), "Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"},
		{graphAppRoles(), "Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9"},
		{graphAppRoles(), "MailboxSettings.ReadWrite", "6931bccd-447a-43d1-b442-00a195474933"},
		{graphAppRoles(), "Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"},
		{graphScopes(), "DelegatedPermissionGrant.Read.All", "a197cdc4-a8e8-4d49-9d35-4ca7c83887b4"},
		{graphScopes(), "User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"},
		{graphScopes(), "Mail.ReadWrite", "024d486e-b451-40bb-833d-3e66d98c5c73"},
		{graphScopes(), "offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"},
		{exchangeAppRoles(), "full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"},
		{exchangeScopes(), "EWS.AccessAsUser.All", "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"},
	}
	for _, tt := range tests {
		i := slices.IndexFunc(tt.perms, func(p MSPermission) bool { return p.Value == tt.value })
		if i < 0 || tt.perms[i].ID != tt.id {
			t.Errorf("%s: index %d, want ID %s", tt.value, i, tt.id)
		}
	}
}

// TestCriticalCatalogue checks the generator's list of critical permissions against the
// permission catalogue's critical tier, and that the tenant publishes every one.
func TestCriticalCatalogue(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../risk/permissions/microsoft_entra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	published := slices.Concat(graphAppRoles(), graphScopes(), exchangeAppRoles(), exchangeScopes())
	entries := regexp.MustCompile(`scope: ([^,]+), tier: (\w+)`).FindAllStringSubmatch(string(data), -1)
	if len(entries) < 50 {
		t.Fatalf("read %d catalogue entries, want the whole catalogue", len(entries))
	}
	critical := 0
	for _, e := range entries {
		value, tier := e[1], e[2]
		if got := IsCriticalMicrosoftPermission(value); got != (tier == "critical") {
			t.Errorf("IsCriticalMicrosoftPermission(%q) = %v, catalogue tier %s", value, got, tier)
		}
		if tier != "critical" {
			continue
		}
		critical++
		if !slices.ContainsFunc(published, func(p MSPermission) bool { return p.Value == value }) {
			t.Errorf("critical %s is published by neither Microsoft Graph nor Exchange Online", value)
		}
	}
	if critical < 20 {
		t.Errorf("%d critical catalogue entries, want at least 20", critical)
	}
}
