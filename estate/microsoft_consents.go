package estate

import (
	"slices"
	"time"
)

// The shares that shape the vendors' Microsoft consents.
const (
	// msMirrorShare is the share of people's Google grants to a vendor with a per-user
	// Microsoft app that they also gave through Microsoft.
	msMirrorShare = 0.5
	// msOldestAdminConsent is how long ago, at most, an administrator consented to a
	// vendor for the whole tenant, in days.
	msOldestAdminConsent = 900
)

// vendorSP is the service principal of a vendor's app while it is generated.
type vendorSP struct {
	sp     int32
	bin    [16]byte // the object ID in binary
	vendor *msVendor
}

// addVendors adds the vendors' multi-tenant apps the company consented to: per-user
// grants that follow the people's Google grants, tenant-wide admin consents,
// application permissions, and the suspicious app a few people consented to.
func (g *msGen) addVendors(grants []Grant) {
	mvs := msVendorsByIndex(g.vendors, g.m.ServicePrincipals[g.graph].AppRoles)
	mirrored, used := g.mirror(grants, mvs)
	sps := make([]vendorSP, len(g.vendors))
	for v, mv := range mvs {
		if mv == nil || !(used[v] || mv.spec.consent != perUser || g.vendors[v].Suspicious) {
			sps[v].sp = -1
			continue
		}
		sp := g.addVendorSP(v, mv)
		sps[v] = vendorSP{sp: sp, bin: g.spBin(sp), vendor: mv}
	}
	g.m.Grants = slices.Grow(g.m.Grants, len(mirrored)+len(sps))
	for _, i := range mirrored {
		gr := &grants[i]
		g.addPrincipalGrant(sps[gr.Vendor], g.userOf[gr.Person], gr.AuthorizedAt, gr.LastUsedAt)
	}
	for v, s := range sps {
		switch {
		case s.sp < 0:
		case g.vendors[v].Suspicious:
			g.addSuspiciousConsents(s)
		case s.vendor.spec.consent == tenantWide:
			g.addTenantWideConsent(s)
		case s.vendor.spec.consent == appOnly:
			g.addApplicationPermissions(s)
		}
	}
	g.settleSignIns()
	g.auditNewServicePrincipals()
}

// settleSignIns makes the vendors' apps signed in at their first consent at the latest
// (consenting signs in), and moves a last sign-in that lies within staleGap of
// StaleAfter to a more recent one, so that the ground truth does not hang on a rounding.
func (g *msGen) settleSignIns() {
	stale := int64(StaleAfter / time.Second)
	for i := range g.m.ServicePrincipals {
		sp := &g.m.ServicePrincipals[i]
		if sp.Vendor < 0 {
			continue
		}
		if sp.LastSignIn.Before(sp.Created) {
			sp.LastSignIn = sp.Created
		}
		if age := g.ageOf(sp.LastSignIn); age > stale-staleGap && age < stale+staleGap {
			sp.LastSignIn = g.at(max(0, age-2*staleGap))
		}
	}
}

// mirror draws the Google grants to vendors with per-user Microsoft apps that their
// people, who still have an account, also gave through Microsoft. It returns their
// indexes and which vendors they are to.
func (g *msGen) mirror(grants []Grant, mvs []*msVendor) (mirrored []int, used []bool) {
	used = make([]bool, len(g.vendors))
	for i, gr := range grants {
		mv := mvs[gr.Vendor]
		if mv == nil || mv.spec.consent != perUser || g.vendors[gr.Vendor].Suspicious || g.userOf[gr.Person] < 0 {
			continue
		}
		if g.r.Float64() < msMirrorShare {
			mirrored = append(mirrored, i)
			used[gr.Vendor] = true
		}
	}
	return mirrored, used
}

// addVendorSP adds the service principal of vendor v's app and returns its index. Its
// creation and last sign-in are set as consents are added.
func (g *msGen) addVendorSP(v int, mv *msVendor) int32 {
	vd := &g.vendors[v]
	sp := MSServicePrincipal{
		ObjectID: newGUID(g.r), AppID: vd.MicrosoftAppID, DisplayName: vd.Product,
		AppOwnerOrganizationID: nameGUID("tenant " + vd.Company),
		ServicePrincipalType:   "Application", AccountEnabled: true,
		PublisherName: vd.Company, SignInAudience: "AzureADMultipleOrgs",
		Vendor: int32(v), Application: -1, Suspicious: vd.Suspicious,
	}
	if vd.Verified {
		sp.VerifiedPublisher = vd.Company
	}
	if vd.Suspicious {
		sp.AppOwnerOrganizationID = nameGUID("tenant " + vd.Product)
		sp.PublisherName = vd.Product
	}
	if mv.spec.personal {
		sp.SignInAudience = "AzureADandPersonalMicrosoftAccount"
	}
	g.m.ServicePrincipals = append(g.m.ServicePrincipals, sp)
	return int32(len(g.m.ServicePrincipals) - 1)
}

// addPrincipalGrant adds user u's consent to the vendor's app at created, the app last
// used on the user's behalf at lastUsed (zero for never).
func (g *msGen) addPrincipalGrant(s vendorSP, u int32, created, lastUsed time.Time) {
	gr := MSGrant{ID: grantID(s.bin, g.graphBin, g.userBin[u]), Client: s.sp, Resource: g.graph,
		ConsentType: "Principal", Principal: u, Scopes: s.vendor.scopes, Created: created}
	g.m.Grants = append(g.m.Grants, gr)
	g.touch(s.sp, u, created, lastUsed)
	g.auditConsent(&gr, s.vendor.scope, u)
}

// touch records on service principal i a consent by user u at created and a sign-in at
// lastUsed: it was created at its first consent, by that consent's user, and last signed
// in at its latest use.
func (g *msGen) touch(i, u int32, created, lastUsed time.Time) {
	sp := &g.m.ServicePrincipals[i]
	if sp.Created.IsZero() || created.Before(sp.Created) {
		sp.Created = created
		for int(i) >= len(g.creator) {
			g.creator = append(g.creator, -1)
		}
		g.creator[i] = u
	}
	if lastUsed.After(sp.LastSignIn) {
		sp.LastSignIn = lastUsed
	}
}

// auditNewServicePrincipals logs the creation of the vendors' service principals that
// were created within the audit window, by their first consent's user.
func (g *msGen) auditNewServicePrincipals() {
	for i, u := range g.creator {
		if u < 0 {
			continue
		}
		sp := &g.m.ServicePrincipals[i]
		g.audit(sp.Created.Add(-time.Second), ActivityAddSP, u, int32(i), -1,
			[3]string{"AppId", "", sp.AppID}, [3]string{"DisplayName", "", sp.DisplayName})
	}
}

// adminConsentTime draws when an administrator consented for the tenant.
func (g *msGen) adminConsentTime() time.Time {
	return g.at(min(g.tenantAge-day, 10*day+g.r.Int64N(msOldestAdminConsent*day)))
}

// addTenantWideConsent adds an administrator's consent to the vendor's app for every
// user of the tenant. The app is in daily use.
func (g *msGen) addTenantWideConsent(s vendorSP) {
	admin, at := g.pick(g.admins), g.adminConsentTime()
	gr := MSGrant{ID: grantID(s.bin, g.graphBin), Client: s.sp, Resource: g.graph,
		ConsentType: "AllPrincipals", Principal: -1, Scopes: s.vendor.scopes, Created: at}
	g.m.Grants = append(g.m.Grants, gr)
	g.touch(s.sp, admin, at, g.at(g.r.Int64N(day)))
	g.auditConsent(&gr, s.vendor.scope, admin)
}

// addApplicationPermissions adds the application permissions an administrator granted
// the vendor's app. The app runs daily.
func (g *msGen) addApplicationPermissions(s vendorSP) {
	admin, at := g.pick(g.admins), g.adminConsentTime()
	roles := g.m.ServicePrincipals[g.graph].AppRoles
	for _, k := range s.vendor.roles {
		a := MSAssignment{ID: assignmentID(g.r, g.sp(s.sp)), Principal: s.sp, Resource: g.graph,
			AppRoleID: roles[k].ID, Created: at}
		g.m.Assignments = append(g.m.Assignments, a)
		g.auditAssignment(&a, roles[k].Value, admin)
	}
	g.touch(s.sp, admin, at, g.at(g.r.Int64N(day)))
}

// addSuspiciousConsents adds the consents of a few people who signed in to the
// suspicious app within the audit window, and its recent use of their mail.
func (g *msGen) addSuspiciousConsents(s vendorSP) {
	n := 3 + len(g.people)/20000
	for _, u := range g.pickN(g.signedIn, n) {
		created := g.at(day + g.r.Int64N(27*day))
		g.addPrincipalGrant(s, u, created, g.at(g.r.Int64N(day)))
	}
}
