package estate

// vendorSpec is one entry of the vendor catalogue, in a compact form that vendor expands.
type vendorSpec struct {
	company, product, category string
	popularity                 float64
	// departments is a space-separated list of the departments that use the app most.
	departments string
	// scopes is a space-separated list of scopes in short form: "openid", "email" and
	// "profile" as they are, "mail" for https://mail.google.com/, anything else relative to
	// https://www.googleapis.com/auth/.
	scopes string
	// clientType is the Reports API client type; empty means "WEB".
	clientType string
	flags      vendorFlags
}

// vendorFlags mark the vendors that are not ordinary verified products.
type vendorFlags uint8

const (
	// suspicious is an unverified look-alike or malicious app.
	suspicious vendorFlags = 1 << iota
	// anonymous is an app without a registered client.
	anonymous
	// viaTor is a malicious app whose servers call through Tor exits.
	viaTor
)

// The basic sign-in scopes most apps ask for.
const signIn = "openid userinfo.email userinfo.profile "

// realVendors is the catalogue of real products that connect to Google Workspace, with
// the scopes they typically ask for. Popularities add up to about 6.4: the mean number of
// apps a person connects.
func realVendors() []vendorSpec {
	return []vendorSpec{
		{"Zoom Communications", "Zoom", "meeting", 0.55, "", signIn + "calendar.events calendar.readonly contacts.readonly", "", 0},
		{"Calendly", "Calendly", "scheduling", 0.22, "Sales Support Marketing HR", signIn + "calendar.events calendar.readonly", "", 0},
		{"Otter.ai", "Otter.ai", "AI assistant", 0.10, "", signIn + "calendar.readonly contacts.readonly", "", 0},
		{"Fireflies.ai", "Fireflies.ai Notetaker", "AI assistant", 0.06, "Sales Support", signIn + "calendar.events calendar.readonly", "", 0},
		{"Clockwise", "Clockwise", "scheduling", 0.05, "Engineering", signIn + "calendar directory.readonly", "", 0},
		{"Reclaim.ai", "Reclaim.ai", "scheduling", 0.04, "Engineering Executive", "openid email profile calendar tasks", "", 0},
		{"Motion", "Motion", "scheduling", 0.02, "", "openid email profile calendar", "", 0},
		{"Atlassian", "Loom", "meeting", 0.18, "", signIn, "", 0},
		{"Docusign", "Docusign eSignature", "e-signature", 0.15, "Sales Legal Finance HR", signIn + "drive.file contacts.readonly", "", 0},
		{"Dropbox", "Dropbox Sign", "e-signature", 0.04, "Sales Legal", signIn + "drive.readonly contacts.readonly", "", 0},
		{"Adobe", "Adobe Acrobat Sign", "e-signature", 0.05, "Legal Finance", "openid email profile drive.file", "", 0},
		{"PandaDoc", "PandaDoc", "e-signature", 0.03, "Sales", signIn + "drive.readonly contacts.readonly", "", 0},
		{"Dropbox", "Dropbox", "file storage", 0.12, "", signIn + "contacts.readonly", "", 0},
		{"Box", "Box", "file storage", 0.05, "Legal Finance", signIn + "drive.file", "", 0},
		{"Salesforce", "Salesforce", "CRM and sales", 0.16, "Sales Executive Support", signIn + "mail calendar contacts.readonly", "", 0},
		{"HubSpot", "HubSpot Sales", "CRM and sales", 0.10, "Sales Marketing", signIn + "gmail.readonly gmail.send gmail.compose calendar.events contacts.readonly", "", 0},
		{"Salesloft", "Salesloft", "CRM and sales", 0.05, "Sales", signIn + "gmail.readonly gmail.send gmail.compose calendar", "", 0},
		{"Salesloft", "Drift", "CRM and sales", 0.03, "Sales Marketing", signIn + "calendar.events calendar.readonly", "", 0},
		{"Outreach", "Outreach", "CRM and sales", 0.05, "Sales", signIn + "mail calendar", "", 0},
		{"Gong.io", "Gong", "CRM and sales", 0.07, "Sales Executive", signIn + "gmail.readonly calendar.readonly", "", 0},
		{"Apollo.io", "Apollo.io", "CRM and sales", 0.05, "Sales Marketing", signIn + "gmail.readonly gmail.send calendar.readonly", "", 0},
		{"ZoomInfo", "ZoomInfo", "CRM and sales", 0.04, "Sales", signIn + "gmail.readonly calendar.readonly contacts.readonly", "", 0},
		{"Gainsight", "Gainsight", "customer success", 0.03, "Support Sales", signIn + "gmail.readonly calendar.readonly", "", 0},
		{"Mixmax", "Mixmax", "CRM and sales", 0.02, "Sales", signIn + "gmail.modify gmail.send calendar contacts.readonly", "", 0},
		{"Yesware", "Yesware", "CRM and sales", 0.02, "Sales", signIn + "gmail.modify calendar contacts.readonly", "", 0},
		{"Intuit", "Mailchimp", "marketing", 0.04, "Marketing", signIn + "contacts.readonly", "", 0},
		{"Typeform", "Typeform", "marketing", 0.03, "Marketing HR", signIn + "spreadsheets drive.file", "", 0},
		{"SurveyMonkey", "SurveyMonkey", "marketing", 0.03, "Marketing HR", signIn + "contacts.readonly", "", 0},
		{"Zendesk", "Zendesk", "support", 0.09, "Support", signIn + "gmail.modify gmail.send", "", 0},
		{"Freshworks", "Freshdesk", "support", 0.03, "Support", signIn + "mail", "", 0},
		{"Intercom", "Intercom", "support", 0.05, "Support Marketing", signIn + "gmail.readonly gmail.send calendar.readonly", "", 0},
		{"Slack Technologies", "Slack", "collaboration", 0.60, "", signIn + "drive.readonly", "", 0},
		{"Notion Labs", "Notion", "productivity", 0.35, "", signIn + "drive.readonly", "", 0},
		{"Notion Labs", "Notion Calendar", "scheduling", 0.08, "", signIn + "calendar contacts.readonly", "", 0},
		{"Asana", "Asana", "project management", 0.20, "", signIn + "drive.file", "", 0},
		{"Atlassian", "Trello", "project management", 0.12, "", signIn + "drive.file", "", 0},
		{"Atlassian", "Atlassian", "developer tools", 0.20, "Engineering IT Support", signIn + "drive.file", "", 0},
		{"monday.com", "monday.com", "project management", 0.06, "Operations Marketing", "openid email profile drive.file calendar.readonly", "", 0},
		{"ClickUp", "ClickUp", "project management", 0.04, "", "openid email profile calendar drive.readonly", "", 0},
		{"Smartsheet", "Smartsheet", "productivity", 0.05, "Operations Finance", signIn + "drive.readonly spreadsheets contacts.readonly", "", 0},
		{"Airtable", "Airtable", "productivity", 0.05, "Operations Marketing", signIn, "", 0},
		{"Doist", "Todoist", "productivity", 0.04, "", "openid email profile calendar", "", 0},
		{"Grammarly", "Grammarly", "AI assistant", 0.25, "", signIn, "", 0},
		{"Miro", "Miro", "design", 0.18, "", signIn + "drive.file calendar.events", "", 0},
		{"Figma", "Figma", "design", 0.15, "Engineering Marketing", signIn, "", 0},
		{"Canva", "Canva", "design", 0.14, "Marketing Sales", signIn + "drive.readonly", "", 0},
		{"Lucid Software", "Lucidchart", "design", 0.07, "Engineering Operations", signIn + "drive.file", "", 0},
		{"GitHub", "GitHub", "developer tools", 0.10, "Engineering", signIn, "", 0},
		{"Zapier", "Zapier", "automation", 0.06, "Marketing Operations Sales", signIn + "mail drive spreadsheets calendar contacts.readonly", "", 0},
		{"Celonis", "Make", "automation", 0.02, "Operations Marketing", signIn + "gmail.modify drive spreadsheets", "", 0},
		{"IFTTT", "IFTTT", "automation", 0.01, "", signIn + "gmail.send drive spreadsheets calendar", "", 0},
		{"OpenAI", "ChatGPT", "AI assistant", 0.40, "", signIn + "drive.readonly gmail.readonly calendar.readonly contacts.readonly", "", 0},
		{"Anthropic", "Claude", "AI assistant", 0.15, "", signIn + "drive.readonly gmail.readonly calendar.readonly", "", 0},
		{"Perplexity AI", "Perplexity", "AI assistant", 0.05, "", signIn, "", 0},
		{"Superhuman", "Superhuman", "email client", 0.04, "Executive Sales", signIn + "mail calendar contacts.readonly", "", 0},
		{"Baydin", "Boomerang for Gmail", "email client", 0.03, "", signIn + "mail", "", 0},
		{"Spike", "Spike Email", "email client", 0.01, "", signIn + "mail calendar contacts.readonly", "NATIVE_IOS", 0},
		{"Readdle", "Spark Mail", "email client", 0.03, "", signIn + "mail calendar contacts.readonly", "NATIVE_IOS", 0},
		{"Microsoft", "Microsoft Outlook", "email client", 0.05, "", signIn + "mail calendar contacts", "NATIVE_ANDROID", 0},
		{"Mozilla", "Thunderbird", "email client", 0.02, "Engineering IT", "mail calendar carddav", "NATIVE_DESKTOP", 0},
		{"Apple", "iOS Account Manager", "email client", 0.10, "", signIn + "mail calendar carddav", "NATIVE_IOS", 0},
		{"Greenhouse Software", "Greenhouse Recruiting", "HR", 0.03, "HR", signIn + "calendar gmail.send", "", 0},
		{"Lattice", "Lattice", "HR", 0.08, "", signIn + "calendar.readonly", "", 0},
		{"Expensify", "Expensify", "finance", 0.10, "", signIn, "", 0},
		{"Okta", "Okta", "IT management", 0.003, "IT", signIn + "admin.directory.user admin.directory.group admin.directory.domain.readonly", "", 0},
		{"BetterCloud", "BetterCloud", "IT management", 0.003, "IT", "openid userinfo.email admin.directory.user admin.directory.group admin.reports.audit.readonly drive gmail.settings.sharing", "", 0},
	}
}

// suspiciousVendors is the catalogue of malicious and look-alike apps. Their names are
// hostile on purpose: a digit for a letter, Cyrillic letters (U+043E) that look Latin,
// markup, an ANSI escape and a bidirectional override. Every consumer must show them
// safely. Few people grant them, but with broad scopes. Three call Google through Tor.
func suspiciousVendors() []vendorSpec {
	const broad = "openid userinfo.email mail drive"
	return []vendorSpec{
		{"", "Micros0ft Teams Sync", "unknown", 0.002, "", broad + " contacts.readonly", "", suspicious},
		{"", "Z\u043e\u043em Meeting Scheduler", "unknown", 0.002, "Sales", "openid userinfo.email mail calendar contacts.readonly", "", suspicious},
		{"", "<img src=x onerror=alert(1)>PDF\x1b[31m Tool", "unknown", 0.001, "", broad, "", suspicious},
		{"", "PDF Docs Sync", "unknown", 0.002, "Finance", broad + " contacts.readonly", "", suspicious | viaTor},
		{"", "Invoice Viewer \u202egpj.exe", "unknown", 0.001, "Finance", "openid userinfo.email gmail.readonly drive.readonly", "", suspicious | viaTor},
		{"", "ChatGPT Pro Free Access", "unknown", 0.002, "", signIn + "mail drive", "", suspicious | viaTor},
		{"", "Mail Sync", "unknown", 0.001, "", "mail gmail.settings.sharing", "NATIVE_DESKTOP", suspicious | anonymous},
	}
}
