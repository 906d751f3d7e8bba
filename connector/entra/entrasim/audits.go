package entrasim

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// auditActor is who made a change: a user, or an app (appID empty when unknown).
type auditActor struct {
	user           int32 // -1 for an app
	appID, appName string
}

// actorApp is the actor of a change made through the API by a client app.
func actorApp(c caller) auditActor { return auditActor{user: -1, appID: c.clientID, appName: c.name} }

// auditTarget is the object a change was made to.
type auditTarget struct {
	id, name, typ, appID string
	modified             [][3]string // displayName, oldValue, newValue
}

// auditRec is one directory audit event.
type auditRec struct {
	id                         string
	at                         time.Time
	seq                        uint64
	activity, category, result string
	actor                      auditActor
	target                     *auditTarget
}

// compareAudit orders events by time, then by sequence.
func compareAudit(a, b auditRec) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
}

// estateAudits returns the estate's audit events, in order.
func estateAudits(ms *estate.Microsoft) []auditRec {
	out := make([]auditRec, 0, len(ms.Audits))
	for i, a := range ms.Audits {
		rec := auditRec{id: a.ID, at: a.Time, seq: uint64(i), activity: a.Activity, category: a.Category,
			result: a.Result, actor: auditActor{user: a.Actor}}
		switch {
		case a.Target >= 0:
			sp := &ms.ServicePrincipals[a.Target]
			rec.target = &auditTarget{id: sp.ObjectID, name: sp.DisplayName, typ: "ServicePrincipal", appID: sp.AppID, modified: a.Modified}
		case a.TargetApp >= 0:
			app := &ms.Applications[a.TargetApp]
			rec.target = &auditTarget{id: app.ObjectID, name: app.DisplayName, typ: "Application", appID: app.AppID, modified: a.Modified}
		}
		out = append(out, rec)
	}
	slices.SortStableFunc(out, compareAudit)
	return out
}

// audit records an event of a change made now. w.mu is held for writing.
func (w *world) audit(at time.Time, activity string, actor auditActor, t auditTarget) {
	w.seq++
	rec := auditRec{id: "Directory_" + guid("entrasim audit", w.tenantID, strconv.FormatUint(w.seq, 10)),
		at: at, seq: 1<<40 + w.seq, activity: activity, category: "ApplicationManagement", result: "success",
		actor: actor, target: &t}
	i, _ := slices.BinarySearchFunc(w.audits, rec, compareAudit)
	w.audits = slices.Insert(w.audits, i, rec)
}

// spTarget is service principal i as an audit target.
func (w *world) spTarget(i int32, modified ...[3]string) auditTarget {
	sp := &w.sps[i].sp
	return auditTarget{id: sp.ObjectID, name: sp.DisplayName, typ: "ServicePrincipal", appID: sp.AppID, modified: modified}
}

// operationType derives Graph's operationType from an activity name.
func operationType(activity string) string {
	switch {
	case strings.HasPrefix(activity, "Add"):
		return "Add"
	case strings.HasPrefix(activity, "Consent"):
		return "Assign"
	case strings.HasPrefix(activity, "Remove"), strings.HasPrefix(activity, "Delete"):
		return "Delete"
	}
	return "Update"
}

// initiator, userIdentity and appIdentity render initiatedBy.
type initiator struct {
	App  *appIdentity  `json:"app"`
	User *userIdentity `json:"user"`
}

type userIdentity struct {
	ID                string `json:"id"`
	DisplayName       any    `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	IPAddress         string `json:"ipAddress"`
}

type appIdentity struct {
	AppID                any `json:"appId"`
	DisplayName          any `json:"displayName"`
	ServicePrincipalID   any `json:"servicePrincipalId"`
	ServicePrincipalName any `json:"servicePrincipalName"`
}

// targetResource and modifiedProperty render targetResources.
type targetResource struct {
	ID                 string             `json:"id"`
	DisplayName        string             `json:"displayName"`
	Type               string             `json:"type"`
	UserPrincipalName  any                `json:"userPrincipalName"`
	GroupType          any                `json:"groupType"`
	ModifiedProperties []modifiedProperty `json:"modifiedProperties"`
}

type modifiedProperty struct {
	DisplayName string `json:"displayName"`
	OldValue    string `json:"oldValue"`
	NewValue    string `json:"newValue"`
}

// keyValue is one of additionalDetails.
type keyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// auditFields renders a directory audit event. w.mu is held.
func (w *world) auditFields(a *auditRec) []kv {
	var by initiator
	if a.actor.user >= 0 {
		u := w.users[a.actor.user]
		p := &w.e.People[u.Person]
		by.User = &userIdentity{ID: u.ObjectID, DisplayName: nullable(strings.TrimSpace(p.GivenName + " " + p.FamilyName)),
			UserPrincipalName: u.UPN, IPAddress: ""}
	} else {
		by.App = &appIdentity{AppID: nullable(a.actor.appID), DisplayName: nullable(a.actor.appName),
			ServicePrincipalName: nullable(a.actor.appName)}
	}
	targets, details := []targetResource{}, []keyValue{}
	if t := a.target; t != nil {
		mods := make([]modifiedProperty, 0, len(t.modified))
		for _, m := range t.modified {
			mods = append(mods, modifiedProperty{DisplayName: m[0], OldValue: m[1], NewValue: m[2]})
		}
		targets = append(targets, targetResource{ID: t.id, DisplayName: t.name, Type: t.typ, ModifiedProperties: mods})
		if t.appID != "" {
			details = append(details, keyValue{Key: "AppId", Value: t.appID})
		}
	}
	return []kv{{"id", a.id}, {"category", a.category}, {"correlationId", guid("correlation", a.id)},
		{"result", a.result}, {"resultReason", ""}, {"activityDisplayName", a.activity},
		{"activityDateTime", ts(a.at)}, {"loggedByService", "Core Directory"}, {"operationType", operationType(a.activity)},
		{"initiatedBy", by}, {"targetResources", targets}, {"additionalDetails", details}}
}
