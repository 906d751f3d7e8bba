package estate

import (
	"crypto/sha512"
	"slices"
	"strings"
)

// The scope URL forms the catalogue's short forms expand to.
const (
	scopePrefix = "https://www.googleapis.com/auth/"
	// ScopeMail is the scope of full Gmail access, IMAP and SMTP included.
	ScopeMail = "https://mail.google.com/"
)

// catalogue returns the estate's vendors: the real products, then the suspicious apps.
// Identical scope strings are shared between vendors.
func catalogue() []Vendor {
	specs := append(realVendors(), suspiciousVendors()...)
	intern := make(map[string]string)
	vendors := make([]Vendor, len(specs))
	for i, s := range specs {
		vendors[i] = s.vendor(intern)
	}
	setMicrosoftAppIDs(vendors)
	return vendors
}

// vendor expands the spec, interning scope and department strings in intern.
func (s vendorSpec) vendor(intern map[string]string) Vendor {
	v := Vendor{
		Company:        s.company,
		Product:        s.product,
		Category:       s.category,
		GoogleClientID: googleClientID(s.product),
		ClientType:     s.clientType,
		Anonymous:      s.flags&anonymous != 0,
		Verified:       s.flags&suspicious == 0,
		Suspicious:     s.flags&suspicious != 0,
		Popularity:     s.popularity,
	}
	if v.ClientType == "" {
		v.ClientType = "WEB"
	}
	v.Native = strings.HasPrefix(v.ClientType, "NATIVE_")
	v.Servers = serverNet(s.product, v.Native, s.flags)
	v.ViaTor = s.flags&viaTor != 0 && !v.Native
	for _, f := range strings.Fields(s.scopes) {
		v.Scopes = append(v.Scopes, internString(intern, expandScope(f)))
	}
	for _, d := range strings.Fields(s.departments) {
		v.Departments = append(v.Departments, internString(intern, d))
	}
	return v
}

// internString returns the copy of s held by intern, adding s if there is none.
func internString(intern map[string]string, s string) string {
	if t, ok := intern[s]; ok {
		return t
	}
	intern[s] = s
	return s
}

// expandScope turns a catalogue short form into the scope as Google reports it.
func expandScope(short string) string {
	switch short {
	case "openid", "email", "profile":
		return short
	case "mail":
		return ScopeMail
	}
	return scopePrefix + short
}

// googleClientID derives the OAuth client ID of a product from its name, the same for
// every estate: a 12-digit project number, a hyphen, 32 lowercase letters and digits,
// and ".apps.googleusercontent.com".
func googleClientID(product string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha512.Sum512([]byte("nhi estate client " + product))
	b := make([]byte, 0, 12+1+32+len(".apps.googleusercontent.com"))
	b = append(b, '1'+sum[0]%9) // a project number has no leading zero
	for _, c := range sum[1:12] {
		b = append(b, '0'+c%10)
	}
	b = append(b, '-')
	for _, c := range sum[12:44] {
		b = append(b, alphabet[int(c)%len(alphabet)])
	}
	return string(append(b, ".apps.googleusercontent.com"...))
}

// isSignInScope reports whether scope is one of the basic sign-in scopes every subset of
// an app's scopes keeps.
func isSignInScope(scope string) bool {
	switch scope {
	case "openid", "email", "profile", scopePrefix + "userinfo.email", scopePrefix + "userinfo.profile":
		return true
	}
	return false
}

// scopeVariants returns the scope sets a grant to v may hold: v.Scopes itself first (the
// same slice), then, when v asks for more than sign-in, its sign-in scopes with the first
// of its other scopes, and its sign-in scopes alone. Suspicious apps get all they ask for.
func scopeVariants(v *Vendor) [][]string {
	full := slices.Clip(v.Scopes)
	var basic, extra []string
	for _, s := range v.Scopes {
		if isSignInScope(s) {
			basic = append(basic, s)
		} else {
			extra = append(extra, s)
		}
	}
	if v.Suspicious || len(basic) == 0 || len(extra) == 0 {
		return [][]string{full}
	}
	basic = slices.Clip(basic)
	if len(extra) == 1 {
		return [][]string{full, basic}
	}
	partial := slices.Clip(append(basic, extra[0])) // basic is clipped: this copies
	return [][]string{full, partial, basic}
}
