package salesforce_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/estate"
)

// TestConformance runs the connector conformance suite against the simulator.
func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, connectortest.Harness{Start: startConformance, Quota: 600})
}

// startConformance starts a connector over a fresh simulator of the estate of seed 7.
func startConformance(t *testing.T, s connectortest.Setup) *connectortest.Instance {
	t.Helper()
	e := generate(t, 7)
	v := newEnv(t, e, salesforcesim.Options{MaxBatch: s.PageSize}, s)
	inst := &connectortest.Instance{Connector: v.connectorLog(t, s.Logger), Truth: truth(t, v),
		Requests: v.mw.requests, Secrets: append(deleteTokens(e), v.pemLine),
		SecretPatterns: []*regexp.Regexp{sessionPattern}}
	if s.FailScope {
		app := busiestApp(e)
		v.mw.failReadsOf(fullNameOf(e.Salesforce.Apps[app]))
		inst.FailedScope = "app:" + e.Salesforce.Apps[app].ID
	}
	return inst
}

// connectorLog returns a connector logging to logger (nil: discard).
func (v *env) connectorLog(t *testing.T, logger *slog.Logger) connector.Connector {
	t.Helper()
	return v.connector(t, &connector.Env{Logger: logger})
}

// deleteTokens returns the revocation handles of the estate's tokens, which must never
// appear in a record, a log line or an error.
func deleteTokens(e *estate.Estate) []string {
	var out []string
	for _, tk := range e.Salesforce.Tokens {
		if len(tk.DeleteToken) >= 8 {
			out = append(out, tk.DeleteToken)
		}
	}
	return out
}

// busiestApp returns the index of the app with the most tokens.
func busiestApp(e *estate.Estate) int {
	counts := make([]int, len(e.Salesforce.Apps))
	for _, tk := range e.Salesforce.Tokens {
		counts[tk.App]++
	}
	return slices.Index(counts, slices.Max(counts))
}

// fullNameOf returns an app's Metadata API full name as the simulator lists it.
func fullNameOf(a estate.SFApp) string {
	if a.FullName != "" {
		return a.FullName
	}
	return a.Name
}

// truth returns what a full scan of v must find: the estate's tokens and the integration
// users as identities, the other users as people, and nhi's own integration user, read
// from the simulator.
func truth(t *testing.T, v *env) connectortest.Truth {
	t.Helper()
	sf := v.e.Salesforce
	tr := connectortest.Truth{Tenant: sf.OrgID}
	for _, u := range sf.Users {
		if u.Integration {
			tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: u.ID, Kind: nhi.KindServiceAccount,
				Scopes: estate.SFUserPermissions(u), CreatedAt: u.CreatedAt, LastUsedAt: u.LastLoginAt})
			continue
		}
		status := nhi.PersonActive
		if !u.IsActive {
			status = nhi.PersonDeparted
		} else if u.IsFrozen {
			status = nhi.PersonSuspended
		}
		tr.People = append(tr.People, connectortest.TruthPerson{ExternalID: u.ID, Status: status, Email: u.Email,
			Name: u.Name, IsAdmin: u.Profile == "System Administrator"})
	}
	for _, tk := range sf.Tokens {
		app, user := sf.Apps[tk.App], sf.Users[tk.User]
		tr.Identities = append(tr.Identities, connectortest.TruthIdentity{ExternalID: sf.TokenSubject(tk),
			Kind: nhi.KindOAuthGrant, OwnerID: user.ID, AppID: app.ID, Scopes: catalogueScopes(app.Scopes),
			CreatedAt: tk.CreatedAt, LastUsedAt: tk.LastUsedAt})
	}
	tr.Identities = append(tr.Identities, nhiUser(t, v))
	return tr
}

// catalogueScopes returns an app's scopes as the connector reports them: offline_access
// is the Metadata API's RefreshToken, reported as refresh_token.
func catalogueScopes(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if s == "offline_access" {
			s = "refresh_token"
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// nhiUser reads nhi's own integration user, which the simulator adds, through the
// simulator's REST API.
func nhiUser(t *testing.T, v *env) connectortest.TruthIdentity {
	t.Helper()
	tok := v.signIn(t)
	var users struct {
		Records []struct {
			ID            string `json:"Id"`
			CreatedDate   string `json:"CreatedDate"`
			LastLoginDate string `json:"LastLoginDate"`
		} `json:"records"`
	}
	v.query(t, tok, "SELECT Id, CreatedDate, LastLoginDate FROM User WHERE Username = '"+v.cfg.Username+"'", &users)
	if len(users.Records) != 1 {
		t.Fatalf("nhi's integration user: %d rows", len(users.Records))
	}
	u := users.Records[0]
	return connectortest.TruthIdentity{ExternalID: u.ID, Kind: nhi.KindServiceAccount,
		Scopes:    []string{"ApiEnabled", "ApiUserOnly", "CustomizeApplication"},
		CreatedAt: sfTime(u.CreatedDate), LastUsedAt: sfTime(u.LastLoginDate)}
}

// sfTime parses a REST datetime; "" is the zero time.
func sfTime(s string) time.Time {
	t, _ := time.Parse("2006-01-02T15:04:05.000-0700", s)
	return t.UTC()
}

// signIn obtains an access token of nhi's integration user directly (JWT bearer flow).
func (v *env) signIn(t *testing.T) string {
	t.Helper()
	consumer, key, user := v.sim.Client()
	claims := jwt.MapClaims{"iss": consumer, "sub": user, "aud": v.srv.URL, "exp": v.e.Options.Now.Add(time.Minute).Unix()}
	a, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm(v.srv.URL+"/services/oauth2/token",
		url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ans struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || ans.AccessToken == "" {
		t.Fatalf("sign-in: %d %v", resp.StatusCode, err)
	}
	return ans.AccessToken
}

// query runs a SOQL query against the simulator with tok and decodes the answer.
func (v *env) query(t *testing.T, tok, soql string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, v.srv.URL+"/services/data/v62.0/query?q="+url.QueryEscape(soql), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("query %q: %d", soql, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
