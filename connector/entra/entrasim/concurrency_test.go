package entrasim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// call sends a request with the harness's token from any goroutine and returns the status
// and body.
func (h *harness) call(ctx context.Context, method, link string) (int, []byte, error) {
	if !strings.HasPrefix(link, "http") {
		link = h.url + link
	}
	req, err := http.NewRequestWithContext(ctx, method, link, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// walk follows next links from link to the end and counts the items.
func (h *harness) walk(ctx context.Context, link string) (int, error) {
	n := 0
	for link != "" {
		status, body, err := h.call(ctx, http.MethodGet, link)
		if err != nil || status != http.StatusOK {
			return n, fmt.Errorf("GET %s = %d %s %v", link, status, body, err)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			return n, err
		}
		n += len(p.Value)
		link = p.NextLink
	}
	return n, nil
}

// TestConcurrentUse reads, pages, runs delta rounds and changes the tenant from many
// goroutines at once (run with -race): every answer is well formed, every revocation
// takes, and a delta round afterwards shows each one.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := generated(t, 3, 150)
	h := start(t, e, Options{MaxPageSize: 13, Roles: append(ReadRoles(), RemediationRoles()...)})
	_, link := deltaRound(t, h, "/v1.0/oauth2PermissionGrants/delta")
	ms := e.Microsoft
	if len(ms.Grants) < 16 || len(ms.ServicePrincipals) < 5 || len(ms.Users) < 4 {
		t.Fatalf("estate too small: %d grants", len(ms.Grants))
	}
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 256)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < 16; i += 4 {
				if status, body, err := h.call(ctx, http.MethodDelete, "/v1.0/oauth2PermissionGrants/"+ms.Grants[i].ID); status != 204 {
					errs <- fmt.Errorf("revoke %d = %d %s %v", i, status, body, err)
				}
			}
		})
		wg.Go(func() {
			for _, path := range []string{"/v1.0/oauth2PermissionGrants", "/v1.0/servicePrincipals/delta?$select=id",
				"/beta/reports/servicePrincipalSignInActivities", "/v1.0/auditLogs/directoryAudits"} {
				if n, err := h.walk(ctx, path); err != nil || n > len(ms.Grants)+len(ms.Audits)+64 {
					errs <- fmt.Errorf("%s: %d items, %v", path, n, err)
				}
			}
		})
		wg.Go(func() {
			sp, user := ms.ServicePrincipals[len(ms.ServicePrincipals)-1-w], ms.Users[w]
			if _, err := h.s.AddGrant(sp.ObjectID, ms.ServicePrincipals[0].ObjectID, user.ObjectID, []string{"User.Read"}, time.Time{}); err != nil {
				errs <- err
			}
			if err := h.s.RecordSignIn(sp.ObjectID, testNow); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	changed, _ := deltaRound(t, h, link)
	for i := range 16 {
		v, ok := changed[ms.Grants[i].ID]
		if _, removed := v["@removed"]; !ok || !removed || h.s.HasGrant(ms.Grants[i].ID) {
			t.Errorf("revoked grant %d: in delta %v, still held %v", i, v, h.s.HasGrant(ms.Grants[i].ID))
		}
	}
}
