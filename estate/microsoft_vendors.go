package estate

import (
	"slices"
	"strings"
)

// msConsent is how the company consented to a vendor's Microsoft app.
type msConsent uint8

const (
	// perUser: people consent for themselves (Principal grants), as on Google.
	perUser msConsent = iota
	// tenantWide: an administrator consented for everyone (one AllPrincipals grant).
	tenantWide
	// appOnly: an administrator granted application permissions (app role assignments).
	appOnly
)

// msVendorSpec is a vendor product with a multi-tenant Microsoft app.
type msVendorSpec struct {
	// product names the vendor of the catalogue (Vendor.Product).
	product string
	consent msConsent
	// scopes are the delegated Microsoft Graph scopes its grants hold; roles the Graph
	// application permissions it holds (appOnly); both space-separated.
	scopes, roles string
	// personal marks apps open to personal Microsoft accounts too.
	personal bool
}

// The sign-in scopes of a Microsoft app.
const msSignIn = "openid profile email User.Read "

// msVendorSpecs returns the vendor products the company uses through Microsoft, with
// what they ask for: the scopes of their Microsoft integrations (calendar, mail, files).
// The suspicious app asks for mail and a refresh token.
func msVendorSpecs() []msVendorSpec {
	return []msVendorSpec{
		{"Zoom", tenantWide, msSignIn + "offline_access User.ReadBasic.All Calendars.ReadWrite Contacts.Read", "", false},
		{"Calendly", perUser, msSignIn + "offline_access Calendars.ReadWrite", "", false},
		{"Otter.ai", perUser, msSignIn + "offline_access Calendars.Read", "", false},
		{"Loom", perUser, msSignIn, "", false},
		{"Docusign eSignature", perUser, msSignIn + "offline_access Files.Read.All", "", false},
		{"Adobe Acrobat Sign", perUser, msSignIn + "offline_access Files.ReadWrite.All", "", false},
		{"Dropbox", perUser, msSignIn, "", true},
		{"Box", perUser, msSignIn + "offline_access Files.Read.All", "", false},
		{"Salesforce", tenantWide, msSignIn + "offline_access Mail.ReadWrite Mail.Send Calendars.ReadWrite Contacts.ReadWrite", "", false},
		{"HubSpot Sales", perUser, msSignIn + "offline_access Mail.ReadWrite Mail.Send Calendars.ReadWrite", "", false},
		{"Gong", appOnly, "", "Mail.Read Calendars.Read User.Read.All", false},
		{"Zendesk", perUser, msSignIn + "offline_access Mail.ReadWrite Mail.Send", "", false},
		{"Slack", tenantWide, msSignIn + "offline_access User.ReadBasic.All Files.Read.All Sites.Read.All Calendars.Read", "", false},
		{"Notion", perUser, msSignIn, "", true},
		{"Asana", perUser, msSignIn + "offline_access Files.Read", "", false},
		{"Atlassian", perUser, msSignIn, "", false},
		{"Smartsheet", perUser, msSignIn + "Files.Read", "", false},
		{"Grammarly", perUser, msSignIn, "", true},
		{"Miro", perUser, msSignIn + "offline_access Calendars.Read", "", false},
		{"Figma", perUser, msSignIn, "", true},
		{"Canva", perUser, msSignIn + "Files.Read", "", true},
		{"Lucidchart", perUser, msSignIn + "offline_access Files.ReadWrite", "", false},
		{"GitHub", perUser, msSignIn, "", false},
		{"Zapier", perUser, msSignIn + "offline_access Mail.ReadWrite Mail.Send Calendars.ReadWrite Files.ReadWrite.All Sites.ReadWrite.All", "", false},
		{"ChatGPT", perUser, msSignIn + "offline_access Files.Read.All Mail.Read Calendars.Read", "", true},
		{"Claude", perUser, msSignIn + "offline_access Files.Read.All Mail.Read Calendars.Read", "", false},
		{"Superhuman", perUser, msSignIn + "offline_access Mail.ReadWrite Mail.Send Calendars.ReadWrite Contacts.Read", "", false},
		{"Spark Mail", perUser, msSignIn + "offline_access IMAP.AccessAsUser.All SMTP.Send", "", true},
		{"Lattice", perUser, msSignIn + "Calendars.Read", "", false},
		{"Expensify", perUser, msSignIn, "", false},
		{"Okta", perUser, "openid profile offline_access User.Read Directory.ReadWrite.All", "", false},
		{"BetterCloud", appOnly, "", "Directory.ReadWrite.All User.ReadWrite.All Group.ReadWrite.All MailboxSettings.ReadWrite", false},
		{"Micros0ft Teams Sync", perUser, msSignIn + "offline_access Mail.ReadWrite", "", true},
	}
}

// setMicrosoftAppIDs gives the vendors that have a Microsoft app its application ID,
// derived from the product name: the same in every estate.
func setMicrosoftAppIDs(vendors []Vendor) {
	for _, s := range msVendorSpecs() {
		if i := slices.IndexFunc(vendors, func(v Vendor) bool { return v.Product == s.product }); i >= 0 {
			vendors[i].MicrosoftAppID = nameGUID("app " + s.product)
		}
	}
}

// msVendor is a vendor's Microsoft app as the generator uses it.
type msVendor struct {
	spec   msVendorSpec
	scopes []string
	// scope is scopes joined by spaces, as audit events show them.
	scope string
	// roles are indexes into the Graph service principal's AppRoles.
	roles []int
}

// msVendorsByIndex returns the Microsoft apps of vendors, indexed like vendors (nil for
// vendors without one), with their scopes split and roles resolved on the Graph
// service principal's app roles.
func msVendorsByIndex(vendors []Vendor, graphRoles []MSPermission) []*msVendor {
	out := make([]*msVendor, len(vendors))
	for _, s := range msVendorSpecs() {
		i := slices.IndexFunc(vendors, func(v Vendor) bool { return v.Product == s.product })
		if i < 0 {
			continue
		}
		mv := &msVendor{spec: s, scopes: strings.Fields(s.scopes)}
		mv.scope = strings.Join(mv.scopes, " ")
		for _, role := range strings.Fields(s.roles) {
			mv.roles = append(mv.roles, slices.IndexFunc(graphRoles, func(p MSPermission) bool { return p.Value == role }))
		}
		out[i] = mv
	}
	return out
}
