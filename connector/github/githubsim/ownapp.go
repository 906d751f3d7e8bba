package githubsim

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// nhi's own GitHub App as the simulator registers it.
const (
	ownAppSlug = "nhi-scanner"
	ownAppName = "nhi"
	ownBot     = ownAppSlug + "[bot]"
)

// OwnPermissions returns the permissions of nhi's own installations: read-only for
// discovery plus the write permissions remediation needs (revoke fine-grained token
// grants and deny requests, delete deploy keys, deactivate webhooks).
func OwnPermissions() map[string]string {
	return map[string]string{
		"metadata":                            "read",
		"members":                             "read",
		"organization_administration":         "read",
		"organization_hooks":                  "write",
		"organization_secrets":                "read",
		"secrets":                             "read",
		"administration":                      "write",
		"organization_personal_access_tokens": "write",
		"organization_personal_access_token_requests": "write",
	}
}

// addOwnApp registers nhi's own app, its bot account, the owner behind OwnerToken, and
// installs the app on every organization.
func (w *world) addOwnApp(now time.Time) {
	sum := sha256.Sum256([]byte("githubsim own app\x00" + w.orgLogins()))
	owner := ""
	if len(w.gh.Orgs) > 0 {
		owner = w.gh.Orgs[0].Login
	}
	w.app = estate.GHApp{ID: w.newID(), Slug: ownAppSlug, Name: ownAppName,
		ClientID: "Iv23li" + hex.EncodeToString(sum[:7]), Owner: owner, Vendor: -1}
	w.bot = w.addUser(estate.GHUser{Login: ownBot, ID: w.newID(), Person: -1, Bot: true})
	w.owner = w.pickOwner()
	at := now.Add(-24 * time.Hour)
	for i := range w.gh.Orgs {
		w.addInstall(&install{own: true, app: &w.app, in: estate.GHInstallation{ID: w.newID(), Org: int32(i),
			Permissions: maps.Clone(OwnPermissions()), All: true, InstalledBy: w.owner, CreatedAt: at, UpdatedAt: at,
			SuspendedBy: -1}})
	}
}

// orgLogins joins the organizations' logins, to derive the app's client ID from.
func (w *world) orgLogins() string {
	s := ""
	for _, o := range w.gh.Orgs {
		s += o.Login + "\x00"
	}
	return s
}

// addUser appends an account of the simulator's own.
func (w *world) addUser(u estate.GHUser) int32 {
	i := int32(len(w.users))
	w.users = append(w.users, u)
	w.userIdx[lower(u.Login)] = i
	return i
}

// pickOwner returns the account whose personal access token OwnerToken is: the first
// owner of the first organization, or a simulator account "nhi-admin" when there is none.
func (w *world) pickOwner() int32 {
	for _, m := range w.gh.Members {
		if m.Org == 0 && m.Role == "admin" {
			return m.User
		}
	}
	return w.addUser(estate.GHUser{Login: "nhi-admin", ID: w.newID(), Person: -1})
}

// ownInstall returns nhi's installation on organization org. w.mu is held.
func (w *world) ownInstall(org int32) *install {
	for _, in := range w.installs {
		if in.own && in.in.Org == org && !in.gone {
			return in
		}
	}
	return nil
}
