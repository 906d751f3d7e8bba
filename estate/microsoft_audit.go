package estate

import "time"

// The directory audit activities the estate logs (activityDisplayName).
const (
	ActivityConsent          = "Consent to application"
	ActivityAddGrant         = "Add delegated permission grant"
	ActivityAddAssignment    = "Add app role assignment to service principal"
	ActivityAddSP            = "Add service principal"
	ActivityUpdateCredential = "Update application – Certificates and secrets management"
	ActivityAddOwner         = "Add owner to application"
)

// audit logs one directory audit event at t, when t lies within the audit window. Actor
// indexes Users; target and targetApp index ServicePrincipals and Applications (-1 for
// none).
func (g *msGen) audit(t time.Time, activity string, actor, target, targetApp int32, modified ...[3]string) {
	if t.After(g.now) || g.now.Sub(t) > MicrosoftAuditWindow {
		return
	}
	g.m.Audits = append(g.m.Audits, MSAudit{
		ID: "Directory_" + newGUID(g.r), Time: t, Activity: activity,
		Category: "ApplicationManagement", Result: "success",
		Actor: actor, Target: target, TargetApp: targetApp, Modified: modified,
	})
}

// auditConsent logs a consent by actor: the consent to the client, then the delegated
// permission grant it made on the resource a second later. Scope is the grant's scopes
// joined by spaces.
func (g *msGen) auditConsent(gr *MSGrant, scope string, actor int32) {
	if gr.Created.After(g.now) || g.now.Sub(gr.Created) > MicrosoftAuditWindow {
		return
	}
	all := "False"
	if gr.ConsentType == "AllPrincipals" {
		all = "True"
	}
	g.audit(gr.Created, ActivityConsent, actor, gr.Client, -1,
		[3]string{"ConsentContext.IsAdminConsent", "", all},
		[3]string{"ConsentContext.OnBehalfOfAll", "", all},
		[3]string{"ConsentAction.Permissions", "", scope})
	g.audit(gr.Created.Add(time.Second), ActivityAddGrant, actor, gr.Resource, -1,
		[3]string{"DelegatedPermissionGrant.Scope", "", scope})
}

// auditAssignment logs the grant of an application permission by actor.
func (g *msGen) auditAssignment(a *MSAssignment, value string, actor int32) {
	g.audit(a.Created, ActivityAddAssignment, actor, a.Principal, -1,
		[3]string{"AppRole.Id", "", a.AppRoleID},
		[3]string{"AppRole.Value", "", value},
		[3]string{"ServicePrincipal.AppId", "", g.m.ServicePrincipals[a.Resource].AppID})
}

// auditCredential logs the addition of a secret or certificate to app by actor.
func (g *msGen) auditCredential(app int32, c *MSCredential, actor int32) {
	kind, usage := "Password", "Verify"
	if c.Type != "" {
		kind, usage = c.Type, c.Usage
	}
	desc := "[KeyIdentifier=" + c.KeyID + ",KeyType=" + kind + ",KeyUsage=" + usage +
		",DisplayName=" + c.DisplayName + "]"
	g.audit(c.Start, ActivityUpdateCredential, actor, -1, app, [3]string{"KeyDescription", "", desc})
}

// auditOwner logs that actor made user owner an owner of app at t.
func (g *msGen) auditOwner(t time.Time, app, owner, actor int32) {
	g.audit(t, ActivityAddOwner, actor, -1, app,
		[3]string{"Application.ObjectID", "", g.m.Applications[app].ObjectID},
		[3]string{"User.UserPrincipalName", "", g.m.Users[owner].UPN})
}
