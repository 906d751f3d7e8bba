package risk

import (
	"strings"

	"github.com/nhiscope/nhi"
)

// scopeIndex is the permission catalogue as the engine reads it while scoring: per
// platform, per scope, the tier and the line of evidence, made once so that scoring
// looks each scope up with one string hash and builds no evidence text for it.
type scopeIndex map[nhi.Platform]map[string]*scopeInfo

// scopeInfo is what the index knows of one scope.
type scopeInfo struct {
	tier Tier
	// line is the scope's evidence: "holds <scope> (critical: mail; Google label restricted)".
	line string
}

// tierOf returns the tier of a scope; a nil info is a scope the catalogue does not know.
func (s *scopeInfo) tierOf() Tier {
	if s == nil {
		return TierUnknown
	}
	return s.tier
}

// newScopeIndex indexes every entry of cat.
func newScopeIndex(cat *Catalogue) scopeIndex {
	ix := scopeIndex{}
	for _, perm := range cat.All() {
		m := ix[perm.Platform]
		if m == nil {
			m = map[string]*scopeInfo{}
			ix[perm.Platform] = m
		}
		m[perm.Scope] = &scopeInfo{tier: perm.Tier, line: scopeLine(perm)}
	}
	return ix
}

// scopeLine is the evidence of one scope: "holds <scope> (critical: mail, files)".
func scopeLine(perm Permission) string {
	var b strings.Builder
	b.WriteString("holds ")
	b.WriteString(perm.Scope)
	b.WriteString(" (")
	b.WriteString(perm.Tier.String())
	if len(perm.Data) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(perm.Data, ", "))
	}
	if perm.Label != "" && perm.Label != "non-sensitive" {
		b.WriteString("; platform label " + perm.Label)
	}
	b.WriteString(")")
	return b.String()
}

// unknownLine is the evidence of a scope the catalogue does not know.
func unknownLine(scope string) string { return "holds " + scope + " (not in the permission catalogue)" }

// scopeLines collects the evidence of the scopes in tiers, at most maxEvidenceScopes
// lines and one saying how many more. info(i) returns what the index says of scope i.
func scopeLines(n int, scope func(i int) string, info func(i int) *scopeInfo, tiers ...Tier) []string {
	var out []string
	more := 0
	for i := range n {
		in := info(i)
		if !hasTier(tiers, in.tierOf()) {
			continue
		}
		switch {
		case len(out) == maxEvidenceScopes:
			more++
		case in == nil:
			out = append(out, unknownLine(scope(i)))
		default:
			out = append(out, in.line)
		}
	}
	if more > 0 {
		out = append(out, "and "+count(more, "more scope"))
	}
	return out
}

// identityScopes returns the evidence lines of an identity's scopes in tiers.
func identityScopes(x *Eval, tiers ...Tier) []string {
	perms := x.Identity.Identity.Permissions
	return scopeLines(len(perms), func(i int) string { return perms[i].Scope }, x.scopeInfo, tiers...)
}

// appScopes returns the evidence lines of an app's scopes in tiers.
func appScopesAt(x *Eval, tiers ...Tier) []string {
	a := &x.App.App
	m := x.index[a.Platform]
	return scopeLines(len(a.Scopes), func(i int) string { return a.Scopes[i] },
		func(i int) *scopeInfo { return m[a.Scopes[i]] }, tiers...)
}
