package risk

import (
	"time"

	"github.com/nhiscope/nhi"
)

// ownerSignals are the signals about who answers for an identity.
func ownerSignals() []Signal {
	return []Signal{
		{
			ID:    "owner.departed",
			Title: "Owner has left",
			Rationale: "The person who owns or granted the identity has left: their account is " +
				"deleted or archived, yet the identity still works. Nobody will notice its misuse " +
				"or answer for it. Revoke it, or hand it to an owner who is still here.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 35,
			Match: matchOwnerStatus(nhi.PersonDeparted),
			Hits:  []Example{{Name: "owner departed", Identity: exGrant(owner(nhi.PersonDeparted, false))}},
			Misses: []Example{{Name: "owner active", Identity: exGrant()},
				{Name: "owner suspended", Identity: exGrant(owner(nhi.PersonSuspended, false))}},
		},
		{
			ID:    "owner.suspended",
			Title: "Owner is suspended",
			Rationale: "The owner's account is suspended, often the first step of offboarding, but " +
				"the identity's tokens keep working: suspending a person does not revoke what they " +
				"granted. Revoke the identity or transfer it.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 25,
			Match: matchOwnerStatus(nhi.PersonSuspended),
			Hits:  []Example{{Name: "owner suspended", Identity: exGrant(owner(nhi.PersonSuspended, false))}},
			Misses: []Example{{Name: "owner active", Identity: exGrant()},
				{Name: "owner departed", Identity: exGrant(owner(nhi.PersonDeparted, false))}},
		},
		{
			ID:    "owner.dormant",
			Title: "Owner has not signed in for a long time",
			Rationale: "The owner's account is active but has not signed in for months: the person " +
				"may have moved on without being offboarded, and the identity runs unattended. " +
				"Confirm the owner still needs it.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityLow, Weight: 10,
			Params: []Param{{Name: "days", Default: 90, Min: 1, Unit: "days",
				Doc: "Days since the owner's last sign-in after which the owner counts as dormant."}},
			Match: matchOwnerDormant,
			Hits: []Example{{Name: "last sign-in 120 days ago",
				Identity: exGrant(func(in *IdentityInput) { in.Owner.LastLogin = daysAgo(120) })}},
			Misses: []Example{
				{Name: "signed in yesterday", Identity: exGrant()},
				{Name: "sign-in time unknown", Identity: exGrant(unknownLogin)},
				{Name: "suspended owners are owner.suspended's",
					Identity: exGrant(owner(nhi.PersonSuspended, false), func(in *IdentityInput) { in.Owner.LastLogin = daysAgo(120) })},
			},
		},
		{
			ID:    "identity.no_owner",
			Title: "No known owner",
			Rationale: "Nobody is on record as the identity's owner, or the owner on record is not " +
				"in the directory: there is no one to ask whether it is still needed, and no one to " +
				"alert when it misbehaves. Assign an owner. Tenant-wide consents (grant.tenant_wide) " +
				"and vendors' apps, which their publisher owns, are left to other signals.",
			OWASP: []string{nhi1}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 20,
			Match: matchNoOwner,
			Hits: []Example{
				{Name: "no owner recorded", Identity: exGrant(func(in *IdentityInput) { in.Owner, in.Identity.OwnerID = nil, "" })},
				{Name: "owner not in the directory", Identity: exGrant(func(in *IdentityInput) { in.Owner = nil })},
				{Name: "owner without a directory record", Identity: exGrant(owner(nhi.PersonUnknown, false))},
			},
			Misses: []Example{{Name: "owner active", Identity: exGrant()},
				{Name: "owner departed is owner.departed's", Identity: exGrant(owner(nhi.PersonDeparted, false))},
				{Name: "tenant-wide consent is grant.tenant_wide's", Identity: exGrant(attr("consent_type", "AllPrincipals"),
					func(in *IdentityInput) { in.Owner, in.Identity.OwnerID = nil, "" })},
				{Name: "a vendor's app, owned by its publisher", Identity: exGrant(attr("own_app", "false"),
					func(in *IdentityInput) { in.Owner, in.Identity.OwnerID = nil, "" })}},
		},
	}
}

// unknownLogin clears the owner's last sign-in time.
func unknownLogin(in *IdentityInput) { in.Owner.LastLogin = time.Time{} }

// matchOwnerStatus hits when the owner has status s.
func matchOwnerStatus(s nhi.PersonStatus) func(x *Eval) ([]string, bool) {
	return func(x *Eval) ([]string, bool) {
		o := x.Identity.Owner
		if o == nil || o.Status != s {
			return nil, false
		}
		line := "owner " + who(o) + " " + string(s)
		if !o.GoneAt.IsZero() {
			line += ", gone from the directory since " + date(o.GoneAt)
		} else if !o.LastLogin.IsZero() && !x.Identity.Now.IsZero() {
			line = agoLine(line+", last signed in ", o.LastLogin, x.Identity.Now)
		}
		return []string{line}, true
	}
}

func matchOwnerDormant(x *Eval) ([]string, bool) {
	o, now := x.Identity.Owner, x.Identity.Now
	if o == nil || o.Status != nhi.PersonActive || !olderThan(now, o.LastLogin, x.Param("days")) {
		return nil, false
	}
	return []string{agoLine("owner "+who(o)+" last signed in ", o.LastLogin, now)}, true
}

func matchNoOwner(x *Eval) ([]string, bool) {
	in := x.Identity
	attrs := in.Identity.Attributes
	switch {
	case attrs["consent_type"] == "AllPrincipals" || attrs["own_app"] == "false":
		// A tenant-wide consent has no single owner by design (grant.tenant_wide says
		// so), and a vendor's app is owned by its publisher, not by anyone here.
		return nil, false
	case in.Owner != nil && in.Owner.Status != nhi.PersonUnknown:
		return nil, false
	case in.Owner != nil:
		return []string{"owner " + who(in.Owner) + " has no directory record"}, true
	case in.Identity.OwnerID == "":
		return []string{"no owner recorded"}, true
	}
	return []string{"owner " + in.Identity.OwnerID + " is not in the directory"}, true
}
