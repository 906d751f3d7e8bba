package entra

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// FuzzConvert decodes arbitrary answers as Graph pages of service principals, apps,
// grants and app role assignments and converts what decodes: nothing may panic, and
// every identity must have a valid external ID and clean text.
func FuzzConvert(f *testing.F) {
	seed := &fixture{collections: map[string][]obj{}, owners: map[string][]obj{}, assignments: map[string][]obj{},
		log: map[string][]change{}}
	populate(seed)
	for _, coll := range []string{cSPs, cApps, cGrant} {
		b, _ := json.Marshal(map[string]any{"value": seed.collections[coll]})
		f.Add(b)
	}
	b, _ := json.Marshal(map[string]any{"value": seed.assignments[miSP]})
	f.Add(b)
	f.Add([]byte(`{"value":null,"@odata.nextLink":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var sps page[servicePrincipal]
		var apps page[application]
		var grants page[grant]
		var as page[assignment]
		index := map[string]*servicePrincipal{}
		var ids []nhi.Identity
		if json.Unmarshal(body, &sps) == nil && sps.Value != nil {
			for i := range *sps.Value {
				sp := &(*sps.Value)[i]
				index[sp.ID] = sp
				f := spFacts(sp, originOf(sp, fixTenant, nil))
				_ = spApp(fixTenant, sp, f)
				h := keyHolder{objectID: sp.ID, appID: sp.AppID, name: displayName(sp.DisplayName, sp.AppID), facts: f}
				got, _ := credentialIdentities(fixTenant, h, sp.PasswordCredentials, sp.KeyCredentials,
					func(string) time.Time { return time.Time{} }, testNow)
				ids = append(ids, got...)
			}
		}
		if json.Unmarshal(body, &apps) == nil && apps.Value != nil {
			for i := range *apps.Value {
				a := &(*apps.Value)[i]
				h := keyHolder{objectID: a.ID, appID: a.AppID, name: displayName(a.DisplayName, a.AppID), facts: registrationFacts(a)}
				got, _ := credentialIdentities(fixTenant, h, a.PasswordCredentials, a.KeyCredentials,
					func(string) time.Time { return time.Time{} }, testNow)
				ids = append(ids, got...)
			}
		}
		client := &servicePrincipal{ID: vendorSP, AppID: vendorAppID, DisplayName: "x\u202e"}
		if json.Unmarshal(body, &grants) == nil && grants.Value != nil {
			for i := range *grants.Value {
				if id, ok := grantIdentity(fixTenant, &(*grants.Value)[i], client, index[(*grants.Value)[i].ResourceID],
					appFacts{}, time.Time{}); ok {
					ids = append(ids, id)
				}
			}
		}
		if json.Unmarshal(body, &as) == nil && as.Value != nil {
			if id, ok := serviceAccount(fixTenant, client, appFacts{}, *as.Value, index, time.Time{}); ok {
				ids = append(ids, withOwners(id, owned{}))
			}
		}
		for _, id := range ids {
			if id.ExternalID == "" || id.ID != nhi.NewIdentityID(nhi.PlatformEntra, fixTenant, id.Kind, id.ExternalID) ||
				id.Name == "" || id.Name != nhi.CleanText(id.Name) {
				t.Errorf("identity %+v", id)
			}
			for _, p := range id.Permissions {
				if p.Scope == "" || p.Scope != nhi.CleanText(p.Scope) {
					t.Errorf("permission %q", p.Scope)
				}
			}
		}
	})
}
