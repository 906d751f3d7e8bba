package entrasim

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// deltaRound follows a delta round from link to its deltaLink and returns every item, by
// ID, and the deltaLink.
func deltaRound(t *testing.T, h *harness, link string) (map[string]map[string]any, string) {
	t.Helper()
	items := map[string]map[string]any{}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("delta round from %s does not end", link)
		}
		var p page
		h.get(t, link, &p)
		for _, v := range p.Value {
			id, _ := v["id"].(string)
			items[id] = v
		}
		if p.DeltaLink != "" {
			if p.NextLink != "" {
				t.Fatal("a delta page carries both next and delta links")
			}
			return items, p.DeltaLink
		}
		if p.NextLink == "" || !strings.Contains(p.NextLink, "$skiptoken=") {
			t.Fatalf("delta page without deltaLink has next link %q", p.NextLink)
		}
		link = p.NextLink
	}
}

// summary describes delta items as "id removed:reason" or "id key=value".
func summary(items map[string]map[string]any, key string) []string {
	var out []string
	for id, v := range items {
		if r, ok := v["@removed"].(map[string]any); ok {
			out = append(out, id+" removed:"+r["reason"].(string))
			continue
		}
		val := v[key]
		out = append(out, id+" "+key+"="+strings.TrimSpace(strings.ReplaceAll(jsonString(val), `"`, "")))
	}
	sort.Strings(out)
	return out
}

// TestDeltaGrants checks a delta round over grants, then one after a delete, a narrowing
// and a new consent.
func TestDeltaGrants(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{MaxPageSize: 1, Roles: append(ReadRoles(), RemediationRoles()...)})
	first, link := deltaRound(t, h, "/v1.0/oauth2PermissionGrants/delta")
	if diff := cmp.Diff([]string{grantPDF + " scope=User.Read Mail.ReadWrite offline_access", grantEvil + " scope=Mail.Read"},
		summary(first, "scope")); diff != "" {
		t.Errorf("first round (-want +got):\n%s", diff)
	}
	if quiet, _ := deltaRound(t, h, link); len(quiet) != 0 {
		t.Errorf("no change, yet the next round lists %v", summary(quiet, "scope"))
	}
	mustStatus(t, h, http.MethodDelete, "/v1.0/oauth2PermissionGrants/"+grantPDF, "", 204)
	mustStatus(t, h, http.MethodPatch, "/v1.0/oauth2PermissionGrants/"+grantEvil, `{"scope":"User.Read"}`, 204)
	added, err := h.s.AddGrant(pdfSP, graphSP, userAda, []string{"Files.Read"}, days(0))
	if err != nil {
		t.Fatal(err)
	}
	second, link2 := deltaRound(t, h, link)
	want := []string{added + " scope=Files.Read", grantEvil + " scope=User.Read", grantPDF + " removed:deleted"}
	sort.Strings(want)
	if diff := cmp.Diff(want, summary(second, "scope")); diff != "" {
		t.Errorf("round after changes (-want +got):\n%s", diff)
	}
	if third, _ := deltaRound(t, h, link2); len(third) != 0 {
		t.Errorf("the round after lists %v again", summary(third, "scope"))
	}
}

// TestDeltaDirectory checks delta rounds over service principals and applications: the
// $select of the first request carries on, changes and removals show.
func TestDeltaDirectory(t *testing.T) {
	t.Parallel()
	h := start(t, smallEstate(), Options{MaxPageSize: 2, Roles: append(ReadRoles(), RemediationRoles()...)})
	first, spLink := deltaRound(t, h, "/v1.0/servicePrincipals/delta?$select=id,accountEnabled")
	if len(first) != 4 {
		t.Fatalf("first round lists %d service principals, want 4", len(first))
	}
	_, appLink := deltaRound(t, h, "/v1.0/applications/delta")
	_, grantLink := deltaRound(t, h, "/v1.0/oauth2PermissionGrants/delta")
	mustStatus(t, h, http.MethodPatch, "/v1.0/servicePrincipals/"+billingSP, `{"accountEnabled":false}`, 204)
	mustStatus(t, h, http.MethodPost, "/v1.0/applications/"+billingApp+"/removePassword", `{"keyId":"`+secretKey+`"}`, 204)
	if err := h.s.RemoveServicePrincipal(evilSP, days(0)); err != nil {
		t.Fatal(err)
	}
	sps, _ := deltaRound(t, h, spLink)
	if diff := cmp.Diff([]string{evilSP + " removed:changed", billingSP + " accountEnabled=false"}, summary(sps, "accountEnabled")); diff != "" {
		t.Errorf("service principal round (-want +got):\n%s", diff)
	}
	if v := sps[billingSP]; len(v) != 2 {
		t.Errorf("changed service principal %v, want only the selected id and accountEnabled", v)
	}
	apps, _ := deltaRound(t, h, appLink)
	creds, _ := apps[billingApp]["passwordCredentials"].([]any)
	if len(apps) != 1 || apps[billingApp] == nil || len(creds) != 0 {
		t.Errorf("application round %v, want the app without its secret", apps)
	}
	grants, _ := deltaRound(t, h, grantLink)
	if diff := cmp.Diff([]string{grantEvil + " removed:deleted"}, summary(grants, "scope")); diff != "" {
		t.Errorf("grants of the removed service principal (-want +got):\n%s", diff)
	}
	tampered := strings.Replace(spLink, "$deltatoken=", "$deltatoken=x", 1)
	status, _, body := h.do(t, http.MethodGet, strings.TrimPrefix(tampered, h.url), "")
	if status != 400 || errorCode(body) != "Request_BadRequest" {
		t.Errorf("tampered delta token = %d %s, want 400", status, body)
	}
}

// mustStatus sends a request and fails unless it is answered with status.
func mustStatus(t *testing.T, h *harness, method, path, body string, status int) []byte {
	t.Helper()
	got, _, b := h.do(t, method, path, body)
	if got != status {
		t.Fatalf("%s %s = %d %s, want %d", method, path, got, b, status)
	}
	return b
}
