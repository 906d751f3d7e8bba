package risk

// brand is a name Impersonates watches for: how it is displayed, spelled in plain
// lowercase ASCII, and folded to its skeleton. A test checks plain and folded.
type brand struct {
	name, plain, folded string
}

// brands are well-known names that consent-phishing apps imitate. Names shorter than four
// letters (Box, AWS) or that are common words (Teams, Monday) are left out: they would
// match innocent names.
var brands = [...]brand{
	{"Microsoft", "microsoft", "mlcrosoft"},
	{"Outlook", "outlook", "outlook"},
	{"OneDrive", "onedrive", "onedrlve"},
	{"SharePoint", "sharepoint", "sharepolnt"},
	{"Azure", "azure", "azure"},
	{"Google", "google", "google"},
	{"Gmail", "gmail", "gmall"},
	{"YouTube", "youtube", "youtube"},
	{"Zoom", "zoom", "zoom"},
	{"Slack", "slack", "slack"},
	{"Salesforce", "salesforce", "salesforce"},
	{"Salesloft", "salesloft", "salesloft"},
	{"DocuSign", "docusign", "docuslgn"},
	{"Dropbox", "dropbox", "dropbox"},
	{"Adobe", "adobe", "adobe"},
	{"Okta", "okta", "okta"},
	{"OneLogin", "onelogin", "onelogln"},
	{"GitHub", "github", "glthub"},
	{"GitLab", "gitlab", "gltlab"},
	{"ChatGPT", "chatgpt", "chatgpt"},
	{"OpenAI", "openai", "openal"},
	{"Atlassian", "atlassian", "atlasslan"},
	{"Jira", "jira", "jlra"},
	{"Confluence", "confluence", "confluence"},
	{"Trello", "trello", "trello"},
	{"Asana", "asana", "asana"},
	{"Notion", "notion", "notlon"},
	{"Zendesk", "zendesk", "zendesk"},
	{"HubSpot", "hubspot", "hubspot"},
	{"Shopify", "shopify", "shoplfy"},
	{"Stripe", "stripe", "strlpe"},
	{"PayPal", "paypal", "paypal"},
	{"Amazon", "amazon", "amazon"},
	{"LinkedIn", "linkedin", "llnkedln"},
	{"Facebook", "facebook", "facebook"},
	{"Apple", "apple", "apple"},
	{"iCloud", "icloud", "lcloud"},
	{"Webex", "webex", "webex"},
	{"Workday", "workday", "workday"},
	{"ServiceNow", "servicenow", "servlcenow"},
	{"Twilio", "twilio", "twlllo"},
	{"Mailchimp", "mailchimp", "mallchlmp"},
	{"Calendly", "calendly", "calendly"},
	{"Grammarly", "grammarly", "grammarly"},
	{"QuickBooks", "quickbooks", "qulckbooks"},
	{"LastPass", "lastpass", "lastpass"},
	{"1Password", "1password", "lpassword"},
}

// narrow maps fullwidth, mathematical and circled forms of ASCII letters and digits to
// ASCII, and returns other runes unchanged.
func narrow(r rune) rune {
	switch {
	case r < 0x80:
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // fullwidth ASCII
		return r - 0xFEE0
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical letters: 13 styles of A-Z a-z
		if i := (r - 0x1D400) % 52; i < 26 {
			return 'A' + i
		} else {
			return 'a' + i - 26
		}
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits: 5 styles of 0-9
		return '0' + (r-0x1D7CE)%10
	case r >= 0x24B6 && r <= 0x24CF: // circled capitals
		return 'A' + r - 0x24B6
	case r >= 0x24D0 && r <= 0x24E9: // circled small letters
		return 'a' + r - 0x24D0
	}
	return r
}

// Accented Latin letters by code point, from U+00C0 and from U+0100; '.' is no letter.
const (
	latin1    = "aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y"
	latinExtA = "aaaaaa" + "cccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" + "iiiiiiiiii" +
		".." + "jj" + "kkk" + "llllllllll" + "nnnnnnnnn" + "oooooo" + ".." + "rrrrrr" + "ssssssss" +
		"tttttt" + "uuuuuuuuuuuu" + "ww" + "yyy" + "zzzzzz" + "s"
)

// lookAlike returns the lowercase ASCII letter a non-ASCII letter looks like, or 0.
func lookAlike(r rune) byte {
	switch {
	case r >= 0xC0 && r <= 0xFF:
		return letterAt(latin1, int(r-0xC0))
	case r >= 0x100 && r <= 0x17F:
		return letterAt(latinExtA, int(r-0x100))
	}
	switch r {
	case 'а', 'А', 'α', 'Α', 'ɑ':
		return 'a'
	case 'В', 'Β', 'Ь', 'ь':
		return 'b'
	case 'с', 'С', 'ϲ', 'Ϲ':
		return 'c'
	case 'ԁ':
		return 'd'
	case 'е', 'Е', 'ё', 'Ё', 'ε', 'Ε':
		return 'e'
	case 'ɡ', 'ց':
		return 'g'
	case 'һ', 'Һ', 'Н', 'Η', 'հ':
		return 'h'
	case 'і', 'І', 'ї', 'Ї', 'ι', 'Ι', 'ı', 'ɩ', 'Ⅰ':
		return 'i'
	case 'ј', 'Ј':
		return 'j'
	case 'к', 'К', 'κ', 'Κ':
		return 'k'
	case 'ӏ', 'Ӏ', 'ǀ', 'ℓ', 'ⅼ':
		return 'l'
	case 'М', 'Μ', 'ⅿ':
		return 'm'
	case 'Ν', 'ո':
		return 'n'
	case 'о', 'О', 'ο', 'Ο', 'օ', 'σ':
		return 'o'
	case 'р', 'Р', 'ρ', 'Ρ':
		return 'p'
	case 'ԛ', 'Ԛ', 'զ':
		return 'q'
	case 'ѕ', 'Ѕ':
		return 's'
	case 'Т', 'т', 'Τ', 'τ':
		return 't'
	case 'υ', 'ս':
		return 'u'
	case 'ν', 'ѵ', 'Ѵ':
		return 'v'
	case 'ԝ', 'Ԝ', 'ω':
		return 'w'
	case 'х', 'Х', 'χ', 'Χ':
		return 'x'
	case 'у', 'У', 'ү', 'Ү', 'Υ', 'γ':
		return 'y'
	case 'Ζ':
		return 'z'
	}
	return 0
}

func letterAt(table string, i int) byte {
	if c := table[i]; c != '.' {
		return c
	}
	return 0
}
