package entrasim

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// signInActivity is the last sign-in of a kind, or nulls when there was none.
type signInActivity struct {
	LastSignInDateTime  any `json:"lastSignInDateTime"`
	LastSignInRequestID any `json:"lastSignInRequestId"`
}

// activity renders a last sign-in of subject at t.
func activity(subject string, t time.Time) signInActivity {
	if t.IsZero() {
		return signInActivity{}
	}
	return signInActivity{LastSignInDateTime: ts(t), LastSignInRequestID: guid("sign-in", subject, t.String())}
}

// latest returns the latest of the times.
func latest(ts ...time.Time) time.Time {
	var t time.Time
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// credentials returns every credential of service principal sp: its app registration's
// ("application") then its own ("servicePrincipal"). w.mu is held.
func (w *world) credentials(sp *spState) []credRow {
	var rows []credRow
	add := func(origin string, app *appState, secrets, certs []estate.MSCredential) {
		for _, c := range secrets {
			rows = append(rows, credRow{origin: origin, app: app, cred: c, secret: true})
		}
		for _, c := range certs {
			rows = append(rows, credRow{origin: origin, app: app, cred: c})
		}
	}
	if app := w.spApp(sp); app != nil {
		add("application", app, app.app.Passwords, app.app.Keys)
	}
	add("servicePrincipal", nil, sp.sp.Passwords, sp.sp.Keys)
	return rows
}

// credRow is one credential of a service principal.
type credRow struct {
	sp     int32
	origin string
	app    *appState
	cred   estate.MSCredential
	secret bool
}

// spActivityFields renders the sign-in activity of a service principal: app-only sign-ins
// from its credentials' last use (or its last sign-in, when it holds no delegated grant),
// delegated ones from its last sign-in when users granted it access. The zero return
// means no activity.
func (w *world) spActivityFields(sp *spState) []kv {
	var creds time.Time
	for _, c := range w.credentials(sp) {
		creds = latest(creds, c.cred.LastUsed)
	}
	var delegated time.Time
	if len(w.grantsBy["c"+strings.ToLower(sp.sp.ObjectID)]) > 0 {
		delegated = sp.sp.LastSignIn
	} else if creds.IsZero() {
		creds = sp.sp.LastSignIn
	}
	last := latest(delegated, creds, sp.sp.LastSignIn)
	if last.IsZero() {
		return nil
	}
	id := sp.sp.AppID
	return []kv{{"id", base64.StdEncoding.EncodeToString([]byte(id))}, {"appId", id},
		{"delegatedClientSignInActivity", activity(id+"/dc", delegated)},
		{"delegatedResourceSignInActivity", activity(id+"/dr", time.Time{})},
		{"applicationAuthenticationClientSignInActivity", activity(id+"/ac", creds)},
		{"applicationAuthenticationResourceSignInActivity", activity(id+"/ar", time.Time{})},
		{"lastSignInActivity", activity(id+"/last", last)}}
}

// listSPActivities answers GET /beta/reports/servicePrincipalSignInActivities: one entry
// per service principal that signed in.
func (s *Server) listSPActivities(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.spActivity
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	body, gerr := s.page(r, res, res.set, q, source{n: len(wd.sps),
		skip:   func(i int) bool { return wd.sps[i].removed || wd.spActivityFields(wd.sps[i]) == nil },
		prop:   func(i int, name string) any { return propOf(wd.spActivityFields(wd.sps[i]), name) },
		fields: func(i int) []kv { return wd.spActivityFields(wd.sps[i]) }})
	s.respond(w, r, body, gerr)
}

// credActivityFields renders the last use of one credential.
func (w *world) credActivityFields(c *credRow) []kv {
	sp := &w.sps[c.sp].sp
	keyType, usage := "certificate", "verify"
	if c.secret {
		keyType, usage = "clientSecret", "sign"
	}
	var appObject, resource any
	if c.app != nil {
		appObject = c.app.app.ObjectID
	}
	if i, ok := w.spByApp[graphAppID]; ok {
		resource = w.sps[i].sp.ObjectID
	}
	return []kv{{"id", base64.StdEncoding.EncodeToString([]byte(c.cred.KeyID + "|" + c.origin))},
		{"keyId", c.cred.KeyID}, {"keyType", keyType}, {"keyUsage", usage}, {"appId", sp.AppID},
		{"appObjectId", appObject}, {"servicePrincipalObjectId", sp.ObjectID}, {"resourceId", resource},
		{"credentialOrigin", c.origin}, {"createdDateTime", ts(c.cred.Start)}, {"expirationDateTime", ts(c.cred.End)},
		{"signInActivity", activity(c.cred.KeyID, c.cred.LastUsed)}}
}

// listCredActivities answers GET /beta/reports/appCredentialSignInActivities: one entry
// per credential that was used to sign in.
func (s *Server) listCredActivities(w http.ResponseWriter, r *http.Request, _ caller) {
	res := s.res.credActivity
	q, gerr := parseQuery(r, res, listOpts)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	var rows []credRow
	var keys [][2]int64 // (service principal, ordinal) of each row
	for i, sp := range wd.sps {
		if sp.removed {
			continue
		}
		for j, c := range wd.credentials(sp) {
			if !c.cred.LastUsed.IsZero() {
				c.sp = int32(i)
				rows = append(rows, c)
				keys = append(keys, [2]int64{int64(i), int64(j)})
			}
		}
	}
	body, gerr := s.page(r, res, res.set, q, source{n: len(rows),
		prop:   func(i int, name string) any { return propOf(wd.credActivityFields(&rows[i]), name) },
		fields: func(i int) []kv { return wd.credActivityFields(&rows[i]) },
		key:    func(i int) (int64, int64) { return keys[i][0], keys[i][1] },
		seek: func(a, b int64) int {
			return sort.Search(len(keys), func(i int) bool { return keys[i][0] > a || (keys[i][0] == a && keys[i][1] >= b) })
		}})
	s.respond(w, r, body, gerr)
}
