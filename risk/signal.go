package risk

import (
	"time"

	"github.com/nhiscope/nhi"
)

// Signal is one explainable risk check: a condition on an identity or an app, with the
// evidence that shows why it holds, the OWASP NHI Top 10 items it maps to, and the points
// it adds to the subject's score. Signals are values; Signals returns the catalogue.
type Signal struct {
	// ID names the signal, "<theme>.<condition>" (permission.critical, usage.stale).
	ID string
	// Title says in a few words what holds when the signal hits.
	Title string
	// Rationale explains why the condition is a risk and what to do about it.
	Rationale string
	// OWASP lists the OWASP Non-Human Identities Top 10 (2025) items, e.g. "NHI1:2025".
	OWASP []string
	// Subject is what the signal is evaluated on: identities or apps.
	Subject nhi.SubjectKind
	// Severity is the severity of the signal's findings.
	Severity nhi.Severity
	// Weight is the points a hit adds to the subject's score; 0 turns the signal off.
	Weight int
	// Params are the signal's thresholds, overridable by Options.
	Params []Param
	// Match evaluates the signal on x.Identity (identity signals) or x.App (app
	// signals). It returns evidence a person can read when the signal hits, nil otherwise.
	Match func(x *Eval) (evidence []string, hit bool)
	// Hits and Misses are worked examples: inputs the signal must and must not hit.
	Hits, Misses []Example
}

// Param is a threshold of a signal. Every value is a whole number (days, counts).
type Param struct {
	// Name is the parameter's name within its signal; its full name for Options is
	// "<signal ID>.<Name>".
	Name string
	// Default is the value the catalogue ships with; Value is the value in effect
	// (Default unless Options override it).
	Default, Value int
	// Min is the smallest value Options may set.
	Min int
	// Unit says what the value counts: "days", "users", "identities", ...
	Unit string
	// Doc explains the parameter in a sentence.
	Doc string
}

// Example is a worked example of a signal: an input and, for the signals that consult
// the threat intelligence pack, the pack entries it assumes.
type Example struct {
	// Name says what the example shows.
	Name string
	// Identity is the input of an identity signal's example; App that of an app signal's.
	Identity *IdentityInput
	App      *AppInput
	// Intel lists the intelligence entries the example is evaluated against.
	Intel []IntelEntry
}

// IdentityInput is what the engine knows about one identity when it scores it.
type IdentityInput struct {
	Identity nhi.Identity
	// Owner is the person who owns or granted the identity; nil when unknown.
	Owner *nhi.Person
	// App is the app the identity belongs to; nil when none.
	App *nhi.App
	// Now is the time of the evaluation; time-based signals do not hit when it is zero.
	Now time.Time
}

// AppInput is what the engine knows about one app when it scores it: the app with its
// aggregates, and tallies over its identities.
type AppInput struct {
	App nhi.App
	// Admins counts the app's identities granted by administrators.
	Admins int
	// Owners counts the app's identities by the status of their owner.
	Owners map[nhi.PersonStatus]int
	// Attributes holds app-level facts connectors report on the app's identities
	// ("verified_publisher", "deceptive_name"); nil when there are none.
	Attributes map[string]string
	// UsedFrom counts the app's identities by the address each was last used from (the
	// "last_used_ip" attribute connectors report), up to maxUsedFrom addresses; identities
	// of native apps, whose calls come from their users' devices, are left out.
	// UsedFromDropped counts the identities at addresses past the bound.
	UsedFrom        map[string]AddrUse
	UsedFromDropped int
	// Collision is the most used other app of the tenant whose display name this app's
	// name contains (see NameCollisions); nil when there is none.
	Collision *nhi.App
	// Now is the time of the evaluation.
	Now time.Time
}

// intelSource looks apps up in threat intelligence; *Intel is one.
type intelSource interface {
	Match(p nhi.Platform, appID string) (IntelEntry, bool)
}

// paramValue is a parameter in effect.
type paramValue struct {
	name  string
	value int
}

// Eval is the state of one evaluation: the subject and what signals may consult. It is
// made by the engine; Match functions read it.
type Eval struct {
	// Identity is set when an identity is evaluated, App when an app is.
	Identity *IdentityInput
	App      *AppInput

	index    scopeIndex
	intel    intelSource
	networks *Networks
	signal   string
	params   []paramValue
	asked    uint64 // bit i: params[i] was read (the tests check every parameter is used)
	reach    tierCounts
	self     [1]nhi.Credential
}

// Param returns the value in effect of the current signal's parameter. Asking for a
// parameter the signal does not declare is a bug in the catalogue, which the catalogue's
// tests catch; it panics.
func (x *Eval) Param(name string) int {
	for i, p := range x.params {
		if p.name == name {
			x.asked |= 1 << i
			return p.value
		}
	}
	panic("risk: signal " + x.signal + " has no parameter " + name)
}

// Intel returns the threat intelligence entry of an app, if there is one.
func (x *Eval) Intel(p nhi.Platform, appID string) (IntelEntry, bool) {
	if x.intel == nil || appID == "" {
		return IntelEntry{}, false
	}
	return x.intel.Match(p, appID)
}

// tierCounts counts an identity's scopes by tier; it is computed on first use, and keeps
// what the index says of the first few scopes for the evidence.
type tierCounts struct {
	done  bool
	n     [TierCritical + 1]int
	max   Tier
	infos [8]*scopeInfo
}

// Tiers returns how many of the evaluated identity's scopes fall in each tier
// (TierUnknown counts the scopes the catalogue does not know) and the highest known
// tier. It looks each scope up once per evaluation; it is for identity signals only.
func (x *Eval) Tiers() (counts [TierCritical + 1]int, max Tier) {
	r := &x.reach
	if !r.done {
		id := &x.Identity.Identity
		m := x.index[id.Platform]
		for i, p := range id.Permissions {
			info := m[p.Scope]
			t := info.tierOf()
			if i < len(r.infos) {
				r.infos[i] = info
			}
			r.n[t]++
			r.max = maxTier(r.max, t)
		}
		r.done = true
	}
	return r.n, r.max
}

// scopeInfo returns what the index says of the identity's i-th scope; nil when the
// catalogue does not know it.
func (x *Eval) scopeInfo(i int) *scopeInfo {
	x.Tiers()
	if i < len(x.reach.infos) {
		return x.reach.infos[i]
	}
	id := &x.Identity.Identity
	return x.index[id.Platform][id.Permissions[i].Scope]
}

func maxTier(a, b Tier) Tier {
	if a > b {
		return a
	}
	return b
}

// isSecretKind reports whether identities of kind k are themselves a credential: when
// such an identity lists no credentials, its own dates are its credential's.
func isSecretKind(k nhi.Kind) bool {
	return k == nhi.KindAPIKey || k == nhi.KindAppCredential || k == nhi.KindDeployKey
}

// Credentials returns the identity's credentials: those it lists or, for an identity
// that is itself a secret (an API key, an app credential, a deploy key) and lists none,
// one credential with the identity's own ID and dates.
func (x *Eval) Credentials() []nhi.Credential {
	id := &x.Identity.Identity
	if len(id.Credentials) > 0 || !isSecretKind(id.Kind) {
		return id.Credentials
	}
	x.self[0] = nhi.Credential{ID: id.ExternalID, Type: string(id.Kind), CreatedAt: id.CreatedAt,
		LastUsedAt: id.LastUsedAt, ExpiresAt: id.ExpiresAt}
	return x.self[:]
}

// Signals returns the signal catalogue with its default parameters and weights, in a
// stable order: permissions, owners, usage, credentials, grants, then the app signals.
// Each call returns fresh values.
func Signals() []Signal {
	var out []Signal
	for _, group := range [][]Signal{permissionSignals(), ownerSignals(), usageSignals(),
		credentialSignals(), grantSignals(), webhookSignals(), appSignals(), appReachSignals(), collisionSignals(),
		networkSignals()} {
		out = append(out, group...)
	}
	for i := range out {
		for j := range out[i].Params {
			out[i].Params[j].Value = out[i].Params[j].Default
		}
	}
	return out
}
