package notify

import (
	"time"

	"github.com/nhiscope/nhi"
)

// The OCSF version the Detection Finding events follow.
const ocsfVersion = "1.3.0"

// OCSFFinding is an OCSF Detection Finding event (class 2004, category 2 Findings).
type OCSFFinding struct {
	ClassUID     int            `json:"class_uid"`
	ClassName    string         `json:"class_name"`
	CategoryUID  int            `json:"category_uid"`
	CategoryName string         `json:"category_name"`
	ActivityID   int            `json:"activity_id"`
	ActivityName string         `json:"activity_name"`
	TypeUID      int            `json:"type_uid"`
	Time         int64          `json:"time"`
	SeverityID   int            `json:"severity_id"`
	Severity     string         `json:"severity"`
	StatusID     int            `json:"status_id"`
	Status       string         `json:"status"`
	Message      string         `json:"message"`
	IsAlert      bool           `json:"is_alert"`
	Metadata     ocsfMetadata   `json:"metadata"`
	FindingInfo  ocsfFinding    `json:"finding_info"`
	Resources    []ocsfResource `json:"resources"`
	Count        int            `json:"count"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

type ocsfMetadata struct {
	Version string      `json:"version"`
	Product ocsfProduct `json:"product"`
	UID     string      `json:"uid"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	VendorName string `json:"vendor_name"`
}

type ocsfFinding struct {
	UID           string   `json:"uid"`
	Title         string   `json:"title"`
	Desc          string   `json:"desc,omitempty"`
	Types         []string `json:"types"`
	FirstSeenTime int64    `json:"first_seen_time,omitempty"`
	LastSeenTime  int64    `json:"last_seen_time,omitempty"`
}

type ocsfResource struct {
	UID   string `json:"uid"`
	Type  string `json:"type"`
	Cloud string `json:"cloud_partition,omitempty"`
	Owner string `json:"owner,omitempty"`
	Group string `json:"group,omitempty"`
}

// ocsfSeverity maps a severity to OCSF's severity_id and name.
func ocsfSeverity(s nhi.Severity) (int, string) {
	switch s {
	case nhi.SeverityCritical:
		return 5, "Critical"
	case nhi.SeverityHigh:
		return 4, "High"
	case nhi.SeverityMedium:
		return 3, "Medium"
	case nhi.SeverityLow:
		return 2, "Low"
	}
	return 1, "Informational"
}

// OCSF returns the Detection Finding event of a, at now: activity Create for a new
// alert, Update for a finding alerted before.
func OCSF(a Alert, now time.Time) OCSFFinding {
	f := cleanFinding(a.Finding)
	sevID, sev := ocsfSeverity(f.Severity)
	act, actName := 1, "Create"
	if a.Update {
		act, actName = 2, "Update"
	}
	desc := ""
	for i, e := range f.Evidence {
		if i > 0 {
			desc += "; "
		}
		desc += e
	}
	ev := OCSFFinding{ClassUID: 2004, ClassName: "Detection Finding", CategoryUID: 2, CategoryName: "Findings",
		ActivityID: act, ActivityName: actName, TypeUID: 2004*100 + act, Time: now.UnixMilli(),
		SeverityID: sevID, Severity: sev, StatusID: 1, Status: "New", Message: a.summary(), IsAlert: true,
		Metadata:    ocsfMetadata{Version: ocsfVersion, Product: ocsfProduct{Name: "nhi", VendorName: "nhiscope"}, UID: a.DeliveryID()},
		FindingInfo: ocsfFinding{UID: f.ID, Title: f.Title, Desc: clip(desc, 4000), Types: append([]string{f.Signal}, f.OWASP...)},
		Resources: []ocsfResource{{UID: f.SubjectID, Type: "nhi." + string(f.SubjectKind), Cloud: string(f.Platform),
			Group: f.Tenant, Owner: nhi.CleanText(a.OwnerEmail)}},
		Count:    a.Repeats + 1,
		Unmapped: map[string]any{"app_id": f.AppID, "owner_id": f.OwnerID, "points": f.Points}}
	if !f.FirstSeen.IsZero() {
		ev.FindingInfo.FirstSeenTime = f.FirstSeen.UnixMilli()
	}
	if !f.LastSeen.IsZero() {
		ev.FindingInfo.LastSeenTime = f.LastSeen.UnixMilli()
	}
	return ev
}
