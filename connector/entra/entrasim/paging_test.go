package entrasim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// page is a Graph collection page as tests read it.
type page struct {
	Context   string           `json:"@odata.context"`
	NextLink  string           `json:"@odata.nextLink"`
	DeltaLink string           `json:"@odata.deltaLink"`
	Value     []map[string]any `json:"value"`
}

// listAll follows next links from path and returns every item's member key, and the
// number of pages.
func listAll(t *testing.T, h *harness, path, key string) ([]string, int) {
	t.Helper()
	var out []string
	pages := 0
	for link := path; link != ""; pages++ {
		if pages > 1000 {
			t.Fatalf("%s does not end", path)
		}
		var p page
		h.get(t, link, &p)
		for _, v := range p.Value {
			s, _ := v[key].(string)
			out = append(out, s)
		}
		link = p.NextLink
	}
	return out, pages
}

// TestPaging checks that every listing pages through the same items whatever the page
// size, and that $top and the server's cap bound the pages.
func TestPaging(t *testing.T) {
	t.Parallel()
	paths := []struct{ path, key string }{
		{"/v1.0/servicePrincipals", "id"},
		{"/v1.0/applications", "id"},
		{"/v1.0/oauth2PermissionGrants", "id"},
		{"/v1.0/users?$select=id,userPrincipalName", "userPrincipalName"},
		{"/v1.0/servicePrincipals/" + billingSP + "/owners", "id"},
		{"/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo", "id"},
		{"/v1.0/auditLogs/directoryAudits", "id"},
		{"/beta/reports/servicePrincipalSignInActivities", "appId"},
		{"/beta/reports/appCredentialSignInActivities", "keyId"},
	}
	whole := start(t, smallEstate(), Options{Roles: append(ReadRoles(), RoleUserRead)})
	small := start(t, smallEstate(), Options{MaxPageSize: 1, Roles: append(ReadRoles(), RoleUserRead)})
	for _, p := range paths {
		t.Run(strings.TrimPrefix(p.path, "/"), func(t *testing.T) {
			t.Parallel()
			want, pages := listAll(t, whole, p.path, p.key)
			if pages != 1 || len(want) == 0 {
				t.Fatalf("default page size: %d pages of %d items, want one non-empty page", pages, len(want))
			}
			got, pages := listAll(t, small, p.path, p.key)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("paged one by one (-whole +paged):\n%s", diff)
			}
			if pages != len(want) {
				t.Errorf("%d pages for %d items, want one each", pages, len(want))
			}
		})
	}
	t.Run("top", func(t *testing.T) {
		t.Parallel()
		var p page
		whole.get(t, "/v1.0/servicePrincipals?$top=3&$select=id", &p)
		if len(p.Value) != 3 || !strings.Contains(p.NextLink, "$top=3") || !strings.Contains(p.NextLink, "$select=id") {
			t.Errorf("$top=3: %d items, next link %q keeping $top and $select", len(p.Value), p.NextLink)
		}
		var rest page
		whole.get(t, p.NextLink, &rest)
		if len(rest.Value) != 1 || rest.NextLink != "" || len(rest.Value[0]) != 1 {
			t.Errorf("second page: %+v, want the last service principal with its id only", rest)
		}
	})
}

// TestSkipTokenChecks checks that a next link's $skiptoken is bound to its query and
// cannot be forged.
func TestSkipTokenChecks(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{MaxPageSize: 1})
	var p page
	h.get(t, "/v1.0/servicePrincipals?$select=id", &p)
	u, err := url.Parse(p.NextLink)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("$skiptoken")
	tampered := []byte(tok)
	tampered[len(tampered)/2] ^= 1
	cases := []struct{ name, path string }{
		{"other query", "/v1.0/servicePrincipals?$select=appId&$skiptoken=" + tok},
		{"other listing", "/v1.0/applications?$select=id&$skiptoken=" + tok},
		{"tampered", "/v1.0/servicePrincipals?$select=id&$skiptoken=" + string(tampered)},
		{"garbage", "/v1.0/servicePrincipals?$select=id&$skiptoken=%21%21"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status, _, body := h.do(t, http.MethodGet, c.path, "")
			if status != 400 || errorCode(body) != "Directory_ExpiredPageToken" {
				t.Errorf("GET %s = %d %s, want 400 Directory_ExpiredPageToken", c.path, status, body)
			}
		})
	}
}

// TestFilters checks $filter on every listing that takes one, including refusals.
func TestFilters(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{MaxPageSize: 1})
	cases := []struct {
		path, key string
		want      []string
	}{
		{"/v1.0/oauth2PermissionGrants?$filter=clientId eq '" + pdfSP + "'", "id", []string{grantPDF}},
		{"/v1.0/oauth2PermissionGrants?$filter=resourceId eq '" + graphSP + "' and consentType eq 'AllPrincipals'", "id", []string{grantEvil}},
		{"/v1.0/oauth2PermissionGrants?$filter=principalId eq '" + strings.ToUpper(userBob) + "'", "id", []string{grantPDF}},
		{"/v1.0/oauth2PermissionGrants?$filter=principalId eq '" + userAda + "'", "id", nil},
		{"/v1.0/oauth2PermissionGrants?$filter=principalId eq null", "id", []string{grantEvil}},
		{"/v1.0/servicePrincipals?$filter=appId eq '" + graphAppID + "'", "id", []string{graphSP}},
		{"/v1.0/servicePrincipals?$filter=displayName eq 'Microsoft Teams <Update>'", "id", []string{evilSP}},
		{"/v1.0/servicePrincipals?$filter=accountEnabled eq true and appOwnerOrganizationId eq '" + tenant + "'", "id", []string{billingSP}},
		{"/v1.0/applications?$filter=appId eq 'c0ffee00-1234-4abc-9def-0123456789ab'", "id", []string{billingApp}},
		{"/beta/reports/appCredentialSignInActivities?$filter=keyId eq '" + secretKey + "'", "keyId", []string{secretKey}},
		{"/beta/reports/servicePrincipalSignInActivities?$filter=appId eq '83f45296-fb8f-4aaa-a399-ac51084e02b7'", "id", []string{"ODNmNDUyOTYtZmI4Zi00YWFhLWEzOTktYWM1MTA4NGUwMmI3"}},
		{"/v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge 2025-08-20T00:00:00Z", "id", []string{"Directory_0001", "Directory_0003"}},
		{"/v1.0/auditLogs/directoryAudits?$filter=activityDateTime lt 2025-08-20T00:00:00Z and category eq 'ApplicationManagement'", "id", []string{"Directory_0002"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			got, _ := listAll(t, h, strings.ReplaceAll(c.path, " ", "%20"), c.key)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	bad := []string{
		"/v1.0/oauth2PermissionGrants?$filter=scope eq 'Mail.Read'",
		"/v1.0/oauth2PermissionGrants?$filter=clientId ne 'x'",
		"/v1.0/oauth2PermissionGrants?$filter=clientId eq 'x' or consentType eq 'Principal'",
		"/v1.0/oauth2PermissionGrants?$filter=startswith(clientId,'x')",
		"/v1.0/oauth2PermissionGrants?$filter=clientId eq 'unterminated",
		"/v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge 'yesterday'",
		"/v1.0/auditLogs/directoryAudits?$filter=category ge 'A'",
		"/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo?$filter=principalId eq 'x'",
		"/v1.0/servicePrincipals?$orderby=displayName",
		"/v1.0/servicePrincipals?$top=0",
		"/v1.0/servicePrincipals?$top=many",
	}
	for _, path := range bad {
		t.Run("refused "+path, func(t *testing.T) {
			t.Parallel()
			status, _, body := h.do(t, http.MethodGet, strings.ReplaceAll(path, " ", "%20"), "")
			if status != 400 || !slices.Contains([]string{"BadRequest", "Request_UnsupportedQuery", "Request_BadRequest"}, errorCode(body)) {
				t.Errorf("= %d %s, want a 400 in Graph's envelope", status, body)
			}
		})
	}
}
