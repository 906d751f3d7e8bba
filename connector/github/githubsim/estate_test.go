package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// testNow is the clock of the hand-built estates.
var testNow = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// days returns testNow minus n days.
func days(n int) time.Time { return testNow.Add(-time.Duration(n) * 24 * time.Hour) }

// testKey is one app key shared by the tests, made once: RSA key generation is slow
// under the race detector.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// Indexes and IDs of the small estate.
const (
	orgMain, orgLabs         = "acme", "acme-labs"
	userAda, userBob, userCy = 0, 1, 2 // ada owns acme; bob is a member; cy departed (no membership)
	userBot                  = 3       // a machine user
	patBob, patCy, patLabs   = 5001, 5002, 5003
	reqBob                   = 6001
	credPAT, credSSH, credOA = 7001, 7002, 7003
	keyAPI, keyWeb           = 8001, 8002
	hookSlack, hookOdd       = 9001, 9002
	instCodecov, instEvil    = 4001, 4002
)

// smallEstate builds two organizations by hand: acme (SAML) with three repositories, a
// vendor app's installation, two token grants and a request, credential authorizations
// of each type, deploy keys, a hook, secrets and a few audit events; acme-labs (no
// SAML) with a suspicious app on one repository, a grant and an insecure hook.
func smallEstate() *estate.Estate {
	gh := &estate.GitHub{
		Orgs: []estate.GHOrg{{Login: orgMain, ID: 100, Name: "Acme <Corp>", CreatedAt: days(2000), SAML: true},
			{Login: orgLabs, ID: 101, Name: "Acme Labs", CreatedAt: days(500)}},
		Users: []estate.GHUser{{Login: "ada", ID: 1, Person: 0, Email: "ada@example.com"},
			{Login: "bob", ID: 2, Person: 1, Email: "bob@example.com"},
			{Login: "cy", ID: 3, Person: 2}, {Login: "acme-ci", ID: 4, Person: -1, Bot: true}},
		Members: []estate.GHMember{{Org: 0, User: userAda, Role: "admin", JoinedAt: days(1500)},
			{Org: 0, User: userBob, Role: "member", JoinedAt: days(900)}, {Org: 0, User: userBot, Role: "member", JoinedAt: days(800)},
			{Org: 1, User: userAda, Role: "admin", JoinedAt: days(400)}, {Org: 1, User: userBob, Role: "member", JoinedAt: days(300)}},
		Repos: []estate.GHRepo{{Org: 0, Name: "api", ID: 200, Private: true, CreatedAt: days(1000)},
			{Org: 0, Name: "web", ID: 201, Private: false, CreatedAt: days(900)},
			{Org: 0, Name: "infra", ID: 202, Private: true, CreatedAt: days(800)},
			{Org: 1, Name: "tools", ID: 203, Private: true, CreatedAt: days(300)},
			{Org: 1, Name: "sandbox", ID: 204, Private: true, CreatedAt: days(200)}},
		Apps: []estate.GHApp{{ID: 300, Slug: "codecov", Name: "Codecov", ClientID: "Iv1.codecov0001", Owner: "codecov", Vendor: -1, Company: "Codecov"},
			{ID: 301, Slug: "dependabot-helper", Name: "Dependabot Helper", ClientID: "Iv23liEvil000001", Owner: "d3pbot", Vendor: -1, Suspicious: true}},
		Installations: []estate.GHInstallation{
			{ID: instCodecov, Org: 0, App: 0, Permissions: map[string]string{"contents": "read", "checks": "write", "metadata": "read"},
				Events: []string{"push"}, All: true, InstalledBy: userAda, CreatedAt: days(600), UpdatedAt: days(100), SuspendedBy: -1},
			{ID: instEvil, Org: 1, App: 1, Permissions: map[string]string{"administration": "write", "secrets": "write"},
				Repos: []int32{3}, InstalledBy: userAda, CreatedAt: days(5), UpdatedAt: days(5), SuspendedBy: -1}},
		Tokens: []estate.GHToken{
			{ID: patBob, TokenID: 15001, Org: 0, Owner: userBob, Name: "deploy <script>", Selection: "all",
				OrgPermissions: map[string]string{"members": "read"}, RepoPermissions: map[string]string{"contents": "write"},
				GrantedAt: days(200), LastUsedAt: days(2)},
			{ID: patCy, TokenID: 15002, Org: 0, Owner: userCy, Name: "old", Selection: "subset", Repos: []int32{0},
				RepoPermissions: map[string]string{"administration": "write"}, GrantedAt: days(400), ExpiresAt: days(30)},
			{ID: patLabs, TokenID: 15003, Org: 1, Owner: userBob, Name: "labs", Selection: "none", GrantedAt: days(50)}},
		Requests: []estate.GHToken{{ID: reqBob, TokenID: 16001, Org: 0, Owner: userBob, Name: "wants admin", Selection: "all",
			RepoPermissions: map[string]string{"administration": "write"}, GrantedAt: days(1), ExpiresAt: days(-60), Reason: "release"}},
		Credentials: []estate.GHCredential{
			{ID: credPAT, AuthorizedCredentialID: 17001, Org: 0, User: userAda, Type: estate.GHCredentialPAT,
				Scopes: []string{"admin:org", "repo"}, LastEight: "abcd1234", Note: "ci", AuthorizedAt: days(300), AccessedAt: days(3)},
			{ID: credSSH, AuthorizedCredentialID: 17002, Org: 0, User: userBob, Type: estate.GHCredentialSSH,
				Fingerprint: "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", Title: "laptop", AuthorizedAt: days(200)},
			{ID: credOA, AuthorizedCredentialID: 17003, Org: 0, User: userBob, Type: estate.GHCredentialOAuth,
				Scopes: []string{"repo"}, LastEight: "99887766", Application: "Travis CI", ApplicationClientID: "f244293c729d5066cf27",
				AuthorizedAt: days(100), ExpiresAt: days(-10)}},
		DeployKeys: []estate.GHDeployKey{
			{ID: keyAPI, Repo: 0, Title: "ci write", Key: fakeKey(1), AddedBy: userCy, CreatedAt: days(700), Verified: true, Enabled: true},
			{ID: keyWeb, Repo: 1, Title: "read", Key: fakeKey(2), ReadOnly: true, AddedBy: userAda, CreatedAt: days(100),
				LastUsedAt: days(1), Verified: true, Enabled: true}},
		Hooks: []estate.GHHook{
			{ID: hookSlack, Org: 0, URL: "https://hooks.slack.com/services/T0/B0/secret", Events: []string{"push"}, Active: true,
				ContentType: "json", HasSecret: true, CreatedBy: userAda, CreatedAt: days(400), UpdatedAt: days(400)},
			{ID: hookOdd, Org: 1, URL: "http://203.0.113.9:8080/x", Events: []string{"*"}, Active: true, ContentType: "form",
				InsecureSSL: true, CreatedBy: userCy, CreatedAt: days(30), UpdatedAt: days(30)}},
		Secrets: []estate.GHSecret{{Org: 0, Repo: -1, Name: "NPM_TOKEN", Visibility: "selected", Repos: []int32{0}, CreatedAt: days(90), UpdatedAt: days(10)},
			{Org: 0, Repo: -1, Name: "AWS_ACCESS_KEY_ID", Visibility: "private", CreatedAt: days(80), UpdatedAt: days(80)},
			{Org: 0, Repo: 0, Name: "DEPLOY_KEY", CreatedAt: days(70), UpdatedAt: days(70)}},
		Audits: []estate.GHAudit{
			{ID: "a1", Org: 0, Time: days(80), Action: "personal_access_token.access_granted", Actor: userBob, User: userBob,
				Fields: map[string]any{"token_id": int64(15001)}},
			{ID: "a2", Org: 0, Time: days(60), Action: "hook.create", Actor: userAda, User: -1, Fields: map[string]any{"hook_id": int64(hookSlack)}},
			{ID: "a3", Org: 0, Time: days(60), Action: "public_key.create", Actor: userCy, User: -1, Fields: map[string]any{"key_id": int64(keyAPI)}},
			{ID: "a4", Org: 0, Time: days(10), Action: "integration_installation.create", Actor: userAda, User: -1,
				Fields: map[string]any{"installation_id": int64(instCodecov)}},
			{ID: "a5", Org: 1, Time: days(5), Action: "integration_installation.create", Actor: userAda, User: -1}},
	}
	return &estate.Estate{Options: estate.Options{Seed: 1, People: 3, Domain: "example.com", Now: testNow},
		People: []estate.Person{{Email: "ada@example.com", Status: estate.Active, Admin: true},
			{Email: "bob@example.com", Status: estate.Active}, {Email: "cy@example.com", Status: estate.Departed}},
		GitHub: gh}
}

// bigEstate builds one SAML organization with n members (each with a linked identity),
// n fine-grained token grants and n audit events, for paging and benchmarks.
func bigEstate(n int) *estate.Estate {
	e := smallEstate()
	gh := e.GitHub
	for i := range n {
		u := int32(len(gh.Users))
		gh.Users = append(gh.Users, estate.GHUser{Login: fmt.Sprintf("eng-%05d", i), ID: int64(100000 + i), Person: -1,
			Email: fmt.Sprintf("eng%05d@example.com", i)})
		gh.Members = append(gh.Members, estate.GHMember{Org: 0, User: u, Role: "member", JoinedAt: days(100)})
		gh.Tokens = append(gh.Tokens, estate.GHToken{ID: int64(200000 + i), TokenID: int64(300000 + i), Org: 0, Owner: u,
			Name: "t", Selection: "all", RepoPermissions: map[string]string{"contents": "read"}, GrantedAt: days(i % 300)})
		gh.Audits = append(gh.Audits, estate.GHAudit{ID: fmt.Sprintf("b%d", i), Org: 0, Time: days(i % 50), Action: "repo.create",
			Actor: u, User: -1})
	}
	return e
}
