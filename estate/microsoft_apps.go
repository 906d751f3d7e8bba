package estate

import (
	"slices"
	"strings"
	"time"
)

// lobSpec is one of the company's own app registrations: what it is called and the
// permissions it holds. The first eight carry the scenarios of lobScenario.
type lobSpec struct {
	name string
	// roles are application permissions, Microsoft Graph values or Exchange Online ones
	// after "exo:"; scopes delegated Graph scopes an administrator consented to for
	// everyone (a web app people sign in to). Both space-separated.
	roles, scopes string
}

// lobSpecs returns the company's app registrations in the order they are made.
func lobSpecs() []lobSpec {
	return []lobSpec{
		{"identity-automation", "RoleManagement.ReadWrite.Directory Application.ReadWrite.All", ""},
		{"billing-exporter", "Mail.ReadWrite", ""},
		{"sharepoint-backup", "Sites.Read.All Files.Read.All", ""},
		{"hr-provisioning", "User.ReadWrite.All Group.Read.All", ""},
		{"report-mailer", "Mail.Send", ""},
		{"directory-sync", "User.Read.All Group.Read.All GroupMember.Read.All", ""},
		{"legacy-ews-export", "exo:full_access_as_app", ""},
		{"expense-portal", "", "openid profile email User.Read"},
		{"security-scanner", "AuditLog.Read.All Directory.Read.All", ""},
		{"teams-notifier", "Team.ReadBasic.All Channel.ReadBasic.All", ""},
		{"invoice-ocr", "Mail.ReadWrite Files.ReadWrite.All", ""},
		{"intune-reporting", "DeviceManagementManagedDevices.Read.All Device.Read.All", ""},
		{"license-manager", "LicenseAssignment.ReadWrite.All User.Read.All", ""},
		{"helpdesk-bot", "User.Read.All UserAuthenticationMethod.ReadWrite.All", ""},
		{"m365-backup", "Mail.ReadWrite Files.ReadWrite.All Sites.FullControl.All", ""},
		{"calendar-rooms", "Calendars.ReadWrite Place.Read.All", ""},
		{"intranet", "", "openid profile email offline_access User.Read Sites.Read.All"},
		{"powerbi-refresh", "Reports.Read.All", ""},
		{"ci-deployer", "Application.ReadWrite.OwnedBy", ""},
		{"contracts-archive", "Sites.Selected", ""},
		{"okr-dashboard", "", "openid profile User.Read User.ReadBasic.All"},
		{"mailbox-rules-audit", "MailboxSettings.Read", ""},
		{"onboarding-workflow", "User.ReadWrite.All GroupMember.ReadWrite.All", ""},
		{"crm-sync", "Contacts.ReadWrite Calendars.Read", ""},
		{"status-page", "", "openid profile User.Read"},
		{"data-warehouse-export", "Files.Read.All Sites.Read.All", ""},
	}
}

// The scenarios of the first app registrations, by index.
const (
	lobOwnerless       = iota // no owner, critical permissions, a fresh second secret
	lobExpiringSecret         // a secret in use expires within days
	lobExpiringCert           // a certificate in use expires within days
	lobEternalCert            // a certificate that never expires (2299)
	lobEternalSecret          // a secret that never expires (2299, as PowerShell allows)
	lobManySecrets            // three live secrets, the newest added lately
	lobDormant                // unused for more than a year
	lobSuspendedOwners        // owned only by suspended people
)

// lobCount returns how many app registrations a company of people has: 10 to 40.
func lobCount(people int) int { return 10 + min(30, people/3000) }

// addApplications adds the company's app registrations and their service principals.
func (g *msGen) addApplications() {
	specs := lobSpecs()
	for k := range lobCount(len(g.people)) {
		s := specs[k%len(specs)]
		switch k / len(specs) {
		case 1:
			s.name += "-staging"
		case 2:
			s.name += "-dev"
		}
		g.addApplication(k, s)
	}
}

// addApplication adds app registration k, its service principal, its credentials,
// owners and permissions.
func (g *msGen) addApplication(k int, s lobSpec) {
	createdAge := 30*day + g.r.Int64N(g.tenantAge-31*day)
	if k <= lobSuspendedOwners {
		createdAge = max(createdAge, 900*day)
	}
	app := MSApplication{ObjectID: newGUID(g.r), AppID: newGUID(g.r), DisplayName: s.name,
		Created: g.at(createdAge), SignInAudience: "AzureADMyOrg", PublisherDomain: g.m.Domain}
	switch k {
	case lobOwnerless:
	case lobSuspendedOwners:
		app.Owners = g.pickN(g.suspended, 1+g.r.IntN(2))
	default:
		app.Owners = g.pickN(g.builders, 1+g.r.IntN(3))
	}
	if len(app.Owners) == 0 && k != lobOwnerless {
		app.Owners = g.pickN(g.active, 1)
	}
	a := int32(len(g.m.Applications))
	g.m.Applications = append(g.m.Applications, app)
	g.addCredentials(a, k, createdAge)
	sp := g.addApplicationSP(a, k, s)
	g.addOwnPermissions(a, sp, k, s)
	if app := &g.m.Applications[a]; k > lobSuspendedOwners && len(app.Owners) > 1 && g.r.Float64() < 0.3 {
		owner := app.Owners[len(app.Owners)-1]
		g.auditOwner(g.at(3600+g.r.Int64N(25*day)), a, owner, app.Owners[0])
	}
}

// addApplicationSP adds the service principal of app registration a; it last signed
// in with its latest credential use, or, a web app people sign in to, lately.
func (g *msGen) addApplicationSP(a int32, k int, s lobSpec) int32 {
	app := &g.m.Applications[a]
	sp := MSServicePrincipal{
		ObjectID: newGUID(g.r), AppID: app.AppID, DisplayName: app.DisplayName,
		AppOwnerOrganizationID: g.m.TenantID, ServicePrincipalType: "Application",
		AccountEnabled: true, PublisherName: tenantName(g.o.Domain), SignInAudience: app.SignInAudience,
		Vendor: -1, Application: a, Owners: app.Owners, Created: app.Created,
	}
	for _, c := range slices.Concat(app.Passwords, app.Keys) {
		if c.LastUsed.After(sp.LastSignIn) {
			sp.LastSignIn = c.LastUsed
		}
	}
	if s.scopes != "" && k != lobDormant {
		sp.LastSignIn = g.at(g.r.Int64N(2 * day))
	}
	g.m.ServicePrincipals = append(g.m.ServicePrincipals, sp)
	return int32(len(g.m.ServicePrincipals) - 1)
}

// addOwnPermissions records what app registration a requests and grants its service
// principal sp those permissions: application permissions an administrator granted
// (the ownerless app's role management lately), and delegated scopes an administrator
// consented to for everyone.
func (g *msGen) addOwnPermissions(a, sp int32, k int, s lobSpec) {
	app := &g.m.Applications[a]
	admin := g.pick(g.admins)
	for _, v := range strings.Fields(s.roles) {
		res, p := g.resourceRole(v)
		app.Required = requireRole(app.Required, g.m.ServicePrincipals[res].AppID, p.ID)
		at := app.Created.Add(time.Duration(g.r.Int64N(30*day)) * time.Second)
		if k == lobOwnerless && p.Value == "RoleManagement.ReadWrite.Directory" {
			at = g.at(2*day + g.r.Int64N(18*day))
		}
		as := MSAssignment{ID: assignmentID(g.r, g.sp(sp)), Principal: sp, Resource: res, AppRoleID: p.ID, Created: at}
		g.m.Assignments = append(g.m.Assignments, as)
		g.auditAssignment(&as, p.Value, admin)
	}
	if s.scopes == "" {
		return
	}
	scopes := strings.Fields(s.scopes)
	req := MSRequired{ResourceAppID: GraphAppID}
	for _, v := range scopes {
		req.Scopes = append(req.Scopes, g.graphScope(v).ID)
	}
	app.Required = append(app.Required, req)
	gr := MSGrant{ID: grantID(g.spBin(sp), g.graphBin), Client: sp, Resource: g.graph,
		ConsentType: "AllPrincipals", Principal: -1, Scopes: scopes,
		Created: app.Created.Add(time.Duration(g.r.Int64N(7*day)) * time.Second)}
	g.m.Grants = append(g.m.Grants, gr)
	g.auditConsent(&gr, strings.Join(scopes, " "), admin)
}

// resourceRole returns the service principal and app role of a role value: Exchange
// Online's after "exo:", Microsoft Graph's otherwise.
func (g *msGen) resourceRole(value string) (int32, MSPermission) {
	res := g.graph
	if v, ok := strings.CutPrefix(value, "exo:"); ok {
		res, value = g.exchange, v
	}
	roles := g.m.ServicePrincipals[res].AppRoles
	return res, roles[slices.IndexFunc(roles, func(p MSPermission) bool { return p.Value == value })]
}

// graphScope returns Microsoft Graph's delegated scope of a value.
func (g *msGen) graphScope(value string) MSPermission {
	scopes := g.m.ServicePrincipals[g.graph].Scopes
	return scopes[slices.IndexFunc(scopes, func(p MSPermission) bool { return p.Value == value })]
}

// requireRole adds app role id of the resource appID to required.
func requireRole(required []MSRequired, appID, id string) []MSRequired {
	i := slices.IndexFunc(required, func(r MSRequired) bool { return r.ResourceAppID == appID })
	if i < 0 {
		return append(required, MSRequired{ResourceAppID: appID, Roles: []string{id}})
	}
	required[i].Roles = append(required[i].Roles, id)
	return required
}
