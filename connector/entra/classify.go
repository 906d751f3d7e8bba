package entra

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nhiscope/nhi"
)

// microsoftTenants returns the tenants that own Microsoft's first-party applications
// (appOwnerOrganizationId): "Microsoft Services" and Microsoft's corporate tenant. No
// customer can register an app in them.
func microsoftTenants() []string {
	return []string{"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"}
}

// origin says who publishes an app.
type origin int

// The origins of an app.
const (
	// originThirdParty is a vendor's app (or one whose owner is unknown).
	originThirdParty origin = iota
	// originFirstParty is one of Microsoft's own apps.
	originFirstParty
	// originOwn is an app of the tenant itself: registered in it, or a managed identity.
	originOwn
)

// originOf returns the origin of a service principal in tenant; ownApps holds the
// lowercase appIds of the tenant's app registrations.
func originOf(sp *servicePrincipal, tenant string, ownApps map[string]bool) origin {
	owner := strings.ToLower(sp.AppOwnerOrganizationID)
	switch {
	case owner == tenant || sp.ServicePrincipalType == "ManagedIdentity" || ownApps[strings.ToLower(sp.AppID)]:
		return originOwn
	case owner != "" && containsFold(microsoftTenants(), owner):
		return originFirstParty
	}
	return originThirdParty
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// multiTenant reports whether a sign-in audience lets other tenants use the app.
func multiTenant(audience string) bool {
	switch audience {
	case "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount":
		return true
	}
	return false
}

// appFacts are the facts about an app that every identity of the app carries as
// attributes (nhi.App has none of its own).
type appFacts struct {
	origin   origin
	audience string
	// verified says the publisher is verified; publisher is its name, if Graph gives one.
	verified  bool
	publisher string
	rawName   string
}

// attributes returns the facts as identity attributes: first_party, own_app,
// sign_in_audience, multi_tenant, deceptive_name, and verified_publisher for third-party
// apps (the tenant's own and Microsoft's are not judged by it).
func (f appFacts) attributes() map[string]string {
	m := map[string]string{
		"first_party":    strconv.FormatBool(f.origin == originFirstParty),
		"own_app":        strconv.FormatBool(f.origin == originOwn),
		"multi_tenant":   strconv.FormatBool(multiTenant(f.audience)),
		"deceptive_name": strconv.FormatBool(deceptive(f.rawName)),
	}
	if a := nhi.CleanText(f.audience); a != "" {
		m["sign_in_audience"] = shorten(a, 64)
	}
	if f.origin == originThirdParty {
		m["verified_publisher"] = strconv.FormatBool(f.verified)
	}
	return m
}

// spFacts returns the app facts of a service principal.
func spFacts(sp *servicePrincipal, o origin) appFacts {
	f := appFacts{origin: o, audience: sp.SignInAudience, rawName: sp.DisplayName}
	f.verified, f.publisher = verification(sp.VerifiedPublisher)
	return f
}

// spApp returns the nhi.App of a service principal. Its vendor is the verified
// publisher, else the publisher name the service principal shows.
func spApp(tenant string, sp *servicePrincipal, f appFacts) nhi.App {
	a := nhi.App{Platform: nhi.PlatformEntra, Tenant: tenant, ExternalID: sp.AppID, Name: displayName(sp.DisplayName, sp.AppID)}
	switch {
	case f.publisher != "":
		a.Vendor = f.publisher
	case sp.PublisherName != "":
		a.Vendor = nhi.CleanText(sp.PublisherName)
	case f.origin == originFirstParty:
		a.Vendor = "Microsoft"
	}
	return a
}

// registrationApp returns the nhi.App of an app registration without a service
// principal in the tenant.
func registrationApp(tenant string, app *application) nhi.App {
	return nhi.App{Platform: nhi.PlatformEntra, Tenant: tenant, ExternalID: app.AppID, Name: displayName(app.DisplayName, app.AppID)}
}

// registrationFacts returns the app facts of an app registration of the tenant.
func registrationFacts(app *application) appFacts {
	f := appFacts{origin: originOwn, audience: app.SignInAudience, rawName: app.DisplayName}
	f.verified, f.publisher = verification(app.VerifiedPublisher)
	return f
}

// verification reads a verifiedPublisher: Graph shows an unverified publisher as one
// whose members are all null.
func verification(v *verifiedPublisher) (verified bool, name string) {
	if v == nil {
		return false, ""
	}
	name = nhi.CleanText(v.DisplayName)
	return name != "" || v.VerifiedPublisherID != "", name
}

// displayName returns the cleaned name, or fallback when it is empty.
func displayName(name, fallback string) string {
	if n := nhi.CleanText(name); n != "" {
		return n
	}
	return fallback
}

// deceptive reports whether a raw name holds what no honest name needs and what hides or
// disguises text where it is shown: control or format characters (such as the bidi
// override U+202E), markup ("<" before a letter or "/"), or invalid UTF-8.
func deceptive(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	prev := rune(0)
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || prev == '<' && (r == '/' || unicode.IsLetter(r)) {
			return true
		}
		prev = r
	}
	return false
}
