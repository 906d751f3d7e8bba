package githubsim

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v89/github"
)

// client returns a go-github client of srv authenticated with cred.
func client(t *testing.T, srv *httptest.Server, cred string) *github.Client {
	t.Helper()
	base := srv.URL + "/"
	c, err := github.NewClient(github.WithHTTPClient(srv.Client()), github.WithURLs(&base, &base), github.WithAuthToken(cred))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoGitHub checks the simulator with the client the connector uses: field types
// decode, paging and cursors follow, changes go through, errors map to go-github's.
func TestGoGitHub(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bigEstate(40), Options{})
	srv := httptest.NewServer(h.s)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	inst, _ := h.s.InstallationID(orgMain)
	tokResp, _, err := client(t, srv, h.jwt()).Apps.CreateInstallationToken(ctx, inst, nil)
	if err != nil || !strings.HasPrefix(tokResp.GetToken(), "ghs_") || !tokResp.GetExpiresAt().Time.Equal(h.now().Add(time.Hour)) {
		t.Fatalf("CreateInstallationToken = %+v, %v", tokResp, err)
	}
	app, owner := client(t, srv, tokResp.GetToken()), client(t, srv, h.s.OwnerToken())

	insts, _, err := app.Organizations.ListInstallations(ctx, orgMain, nil)
	if err != nil || insts.GetTotalCount() != 2 || insts.Installations[1].GetAppSlug() != ownAppSlug ||
		insts.Installations[0].GetPermissions().GetChecks() != "write" {
		t.Errorf("ListInstallations = %+v, %v", insts, err)
	}
	var pats []*github.PersonalAccessToken
	opts := &github.ListFineGrainedPATOptions{ListOptions: github.ListOptions{PerPage: 7}}
	for {
		page, resp, err := app.Organizations.ListFineGrainedPersonalAccessTokens(ctx, orgMain, opts)
		if err != nil {
			t.Fatal(err)
		}
		pats = append(pats, page...)
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(pats) != 42 {
		t.Errorf("listed %d grants, want 42", len(pats))
	}
	bob, _, err := app.Organizations.ListFineGrainedPersonalAccessTokens(ctx, orgMain,
		&github.ListFineGrainedPATOptions{Owner: []string{"bob"}, TokenID: []int64{15001}})
	if err != nil || len(bob) != 1 || bob[0].GetTokenExpiresAt() != (github.Timestamp{}) || bob[0].GetOwner().GetLogin() != "bob" {
		t.Errorf("filtered grants = %+v, %v", bob, err)
	}
	creds, _, err := owner.Organizations.ListCredentialAuthorizations(ctx, orgMain, nil)
	if err != nil || len(creds) != 3 || creds[0].GetCredentialType() != "personal access token" || creds[0].GetTokenLastEight() != "abcd1234" {
		t.Errorf("ListCredentialAuthorizations = %+v, %v", creds, err)
	}
	if _, err := app.Repositories.DeleteKey(ctx, orgMain, "api", keyAPI); err != nil {
		t.Errorf("DeleteKey: %v", err)
	}
	var er *github.ErrorResponse
	if _, resp, err := app.Repositories.GetKey(ctx, orgMain, "api", keyAPI); !errors.As(err, &er) || resp.StatusCode != 404 {
		t.Errorf("GetKey after delete: %v", err)
	}
	hook, _, err := app.Organizations.EditHook(ctx, orgMain, hookSlack, &github.Hook{Active: github.Ptr(false)})
	if err != nil || hook.GetActive() || hook.Config.GetSecret() != "********" {
		t.Errorf("EditHook = %+v, %v", hook, err)
	}
	secrets, _, err := app.Actions.ListOrgSecrets(ctx, orgMain, nil)
	if err != nil || secrets.TotalCount != 2 || secrets.Secrets[0].Visibility != "selected" {
		t.Errorf("ListOrgSecrets = %+v, %v", secrets, err)
	}
	checkAuditLog(t, owner, 46)
}

// checkAuditLog pages acme's audit log with go-github's cursors and checks that every
// event comes once, oldest first.
func checkAuditLog(t *testing.T, c *github.Client, want int) {
	t.Helper()
	opts := &github.GetAuditLogOptions{Order: github.Ptr("asc"), ListCursorOptions: github.ListCursorOptions{PerPage: 10}}
	seen := map[string]bool{}
	var last time.Time
	for {
		events, resp, err := c.Organizations.GetAuditLog(context.Background(), orgMain, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if seen[e.GetDocumentID()] || e.GetCreatedAt().Before(last) {
				t.Errorf("event %s repeated or out of order", e.GetDocumentID())
			}
			seen[e.GetDocumentID()], last = true, e.GetCreatedAt().Time
		}
		if resp.After == "" {
			break
		}
		opts.After = resp.After
	}
	if len(seen) != want {
		t.Errorf("audit log: %d events, want %d", len(seen), want)
	}
}

// TestGoGitHubErrors checks that go-github recognises the simulator's rate limit and
// permission answers.
func TestGoGitHubErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil, Options{HourlyLimit: 2, SecondaryPerMinute: 1})
	srv := httptest.NewServer(h.s)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	owner := client(t, srv, h.s.OwnerToken())
	if _, _, err := owner.Organizations.Get(ctx, orgMain); err != nil {
		t.Fatal(err)
	}
	var abuse *github.AbuseRateLimitError
	if _, _, err := owner.Organizations.Get(ctx, orgMain); !errors.As(err, &abuse) || abuse.GetRetryAfter() != time.Minute {
		t.Errorf("secondary limit: %v", err)
	}
	h.advance(time.Minute)
	fresh := client(t, srv, h.s.OwnerToken())
	if _, _, err := fresh.Organizations.Get(ctx, orgMain); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Minute)
	var limit *github.RateLimitError
	if _, _, err := fresh.Organizations.Get(ctx, orgMain); !errors.As(err, &limit) || limit.Rate.Remaining != 0 {
		t.Errorf("primary limit: %v", err)
	}
	app := client(t, srv, h.token(orgMain))
	var er *github.ErrorResponse
	_, resp, err := app.Organizations.ListCredentialAuthorizations(ctx, orgMain, nil)
	if !errors.As(err, &er) || resp.StatusCode != http.StatusForbidden || er.Message != "Resource not accessible by integration" {
		t.Errorf("credential authorizations with an installation token: %v", err)
	}
}
