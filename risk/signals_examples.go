package risk

import (
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
)

// The inputs of the signals' worked examples: a baseline grant and a baseline app that
// hit no signal, and modifiers that each add one condition.

// Scopes the examples use, one per tier.
const (
	exMail     = "https://mail.google.com/"                       // critical
	exReadMail = "https://www.googleapis.com/auth/gmail.readonly" // high
	exCalendar = "https://www.googleapis.com/auth/calendar"       // medium
	exUnknown  = "https://www.googleapis.com/auth/made.up"        // not in the catalogue
	exAppID    = "1234-example.apps.googleusercontent.com"
)

// exampleNow is the time every example is evaluated at.
func exampleNow() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

// daysAgo is a time n days before exampleNow (after it, for negative n).
func daysAgo(n int) time.Time { return exampleNow().Add(-time.Duration(n) * day) }

// exGrant returns an active person's recent, narrow grant to a registered web app,
// changed by mods.
func exGrant(mods ...func(*IdentityInput)) *IdentityInput {
	in := &IdentityInput{
		Identity: nhi.Identity{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0example",
			Kind: nhi.KindOAuthGrant, ExternalID: "u1/" + exAppID, Name: "Acme Notes", AppID: exAppID,
			OwnerID: "u1", Permissions: []nhi.Permission{{Scope: "openid"}, {Scope: "email"}},
			CreatedAt: daysAgo(200), LastUsedAt: daysAgo(3),
			Attributes: map[string]string{"anonymous": "false", "native_app": "false"}},
		Owner: &nhi.Person{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0example", ExternalID: "u1",
			Email: "alice@example.com", Status: nhi.PersonActive, LastLogin: daysAgo(1)},
		App: &nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0example", ExternalID: exAppID,
			Name: "Acme Notes", Users: 1, Identities: 1},
		Now: exampleNow(),
	}
	for _, m := range mods {
		m(in)
	}
	return in
}

// scopes sets a grant's scopes.
func scopes(s ...string) func(*IdentityInput) {
	return func(in *IdentityInput) {
		in.Identity.Permissions = nil
		for _, x := range s {
			in.Identity.Permissions = append(in.Identity.Permissions, nhi.Permission{Scope: x})
		}
	}
}

// owner sets the grant owner's status and admin flag.
func owner(s nhi.PersonStatus, admin bool) func(*IdentityInput) {
	return func(in *IdentityInput) { in.Owner.Status, in.Owner.IsAdmin = s, admin }
}

// used sets when the grant was created and last used, in days before now; unset leaves
// a date unknown.
func used(created, last int) func(*IdentityInput) {
	return func(in *IdentityInput) {
		in.Identity.CreatedAt, in.Identity.LastUsedAt = time.Time{}, time.Time{}
		if created != unset {
			in.Identity.CreatedAt = daysAgo(created)
		}
		if last != unset {
			in.Identity.LastUsedAt = daysAgo(last)
		}
	}
}

// attr sets an attribute of the grant.
func attr(k, v string) func(*IdentityInput) {
	return func(in *IdentityInput) { in.Identity.Attributes[k] = v }
}

// unset marks a date an example leaves unknown.
const unset = -1 << 20

// cred adds a client secret created and last used the given days before now and
// expiring expiresIn days after now (negative: in the past); unset leaves a date unknown.
func cred(id string, created, last, expiresIn int) func(*IdentityInput) {
	return func(in *IdentityInput) {
		c := nhi.Credential{ID: id, Type: "client_secret"}
		if created != unset {
			c.CreatedAt = daysAgo(created)
		}
		if last != unset {
			c.LastUsedAt = daysAgo(last)
		}
		if expiresIn != unset {
			c.ExpiresAt = daysAgo(-expiresIn)
		}
		in.Identity.Credentials = append(in.Identity.Credentials, c)
	}
}

// neverExpires marks the grant's last credential as one that never expires.
func neverExpires(in *IdentityInput) {
	c := &in.Identity.Credentials[len(in.Identity.Credentials)-1]
	c.ExpiresAt, c.NeverExpires = time.Time{}, true
}

// exApp returns a registered app with one user and narrow scopes, changed by mods.
func exApp(mods ...func(*AppInput)) *AppInput {
	in := &AppInput{
		App: nhi.App{Platform: nhi.PlatformGoogleWorkspace, Tenant: "C0example", ExternalID: exAppID,
			Name: "Acme Notes", Users: 1, Identities: 1, Scopes: []string{"email", "openid"}},
		Owners: map[nhi.PersonStatus]int{nhi.PersonActive: 1},
		Now:    exampleNow(),
	}
	for _, m := range mods {
		m(in)
	}
	return in
}

// appScopes sets an app's scopes and users.
func appScopes(users int, s ...string) func(*AppInput) {
	return func(in *AppInput) { in.App.Scopes, in.App.Users, in.App.Identities = s, users, users }
}

// The addresses of the examples' networks dataset: a Tor exit and a cloud provider's.
const (
	exTorIP   = "198.51.100.77"
	exCloudIP = "203.0.113.20"
)

// exampleNetworks is the networks dataset the examples are evaluated against.
var exampleNetworks = sync.OnceValue(func() *Networks {
	n, err := ParseNetworks(strings.NewReader("cidr,asn,org,kind\n198.51.100.0/24,64500,Example Relays,tor\n" +
		"203.0.113.0/24,64501,Example Cloud,hosting\n"))
	if err != nil {
		panic(err)
	}
	return n
})

// usedFrom counts n of the app's identities as last used from addr.
func usedFrom(addr string, n int) func(*AppInput) {
	return func(in *AppInput) {
		if in.UsedFrom == nil {
			in.UsedFrom = map[string]AddrUse{}
		}
		u := in.UsedFrom[addr]
		if u.Example == "" {
			u.Example = "gws_example_" + addr
		}
		u.N += n
		in.UsedFrom[addr] = u
	}
}

// appAttr sets an app-level attribute.
func appAttr(k, v string) func(*AppInput) {
	return func(in *AppInput) {
		if in.Attributes == nil {
			in.Attributes = map[string]string{}
		}
		in.Attributes[k] = v
	}
}

// appNamed sets an app's name.
func appNamed(name string) func(*AppInput) {
	return func(in *AppInput) { in.App.Name = name }
}

// exIntel is an intelligence entry for the example app.
func exIntel(k IntelKind) []IntelEntry {
	return []IntelEntry{{Platform: nhi.PlatformGoogleWorkspace, AppID: exAppID, Vendor: "Example Vendor",
		App: "Acme Notes", Kind: k, Incident: "example incident", Date: "2025-08-08",
		Source: "https://example.com/advisory"}}
}

// exampleIntel is the intelligence source of an example: its listed entries.
type exampleIntel []IntelEntry

// Match returns the entry listed for the app.
func (l exampleIntel) Match(p nhi.Platform, appID string) (IntelEntry, bool) {
	for _, e := range l {
		if e.Platform == p && e.AppID == appID {
			return e, true
		}
	}
	return IntelEntry{}, false
}

// evaluateExample runs the engine's signal id on an example, against the example's
// intelligence entries instead of the engine's pack. ok is false for an unknown or
// disabled signal.
func (e *Engine) evaluateExample(id string, ex Example) (evidence []string, hit, ok bool) {
	x, c := e.exampleEval(id, ex)
	if c == nil {
		return nil, false, false
	}
	evidence, hit = c.sig.Match(x)
	return evidence, hit, true
}

// paramsAsked returns the names of the parameters signal id reads on an example.
func (e *Engine) paramsAsked(id string, ex Example) []string {
	x, c := e.exampleEval(id, ex)
	if c == nil {
		return nil
	}
	c.sig.Match(x)
	var out []string
	for i, p := range c.params {
		if x.asked&(1<<i) != 0 {
			out = append(out, p.name)
		}
	}
	return out
}

func (e *Engine) exampleEval(id string, ex Example) (*Eval, *compiled) {
	for _, list := range [][]compiled{e.identity, e.app} {
		for i := range list {
			if c := &list[i]; c.sig.ID == id {
				return &Eval{Identity: ex.Identity, App: ex.App, index: e.index, intel: exampleIntel(ex.Intel),
					networks: exampleNetworks(), signal: id, params: c.params}, c
			}
		}
	}
	return nil, nil
}
