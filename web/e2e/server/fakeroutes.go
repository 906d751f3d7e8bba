package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

func (f *fakeAPI) dashboard(w http.ResponseWriter, _ *http.Request, _ fakeSession) {
	bySev := map[string]int{}
	for _, x := range f.w.findings {
		if x.Status == nhi.FindingOpen {
			bySev[string(x.Severity)]++
		}
	}
	var vendors, debt []map[string]any
	for _, a := range f.w.apps {
		vendors = append(vendors, map[string]any{"vendor": a.Vendor, "score": 40 + a.Identities%50, "severity": "high", "identities": a.Identities})
	}
	for _, id := range f.w.identities[:min(10, len(f.w.identities))] {
		if p := f.w.people[id.OwnerID]; p.Status != nhi.PersonActive {
			debt = append(debt, map[string]any{"identity_id": id.ID, "name": id.Name, "owner": p.Email, "owner_status": p.Status})
		}
	}
	now := f.now()
	reply(w, map[string]any{
		"by_platform_kind":     []map[string]any{{"platform": "google_workspace", "kind": "oauth_grant", "count": len(f.w.identities)}},
		"findings_by_severity": bySev,
		"trend": []map[string]any{{"scan_id": "s1", "started_at": now.AddDate(0, 0, -2), "findings": len(f.w.findings) - 9},
			{"scan_id": "s2", "started_at": now.AddDate(0, 0, -1), "findings": len(f.w.findings) - 3},
			{"scan_id": "s3", "started_at": now, "findings": len(f.w.findings)}},
		"riskiest_vendors":     vendors,
		"expiring_credentials": []map[string]any{},
		"offboarding_debt":     debt,
	})
}

func (f *fakeAPI) listIdentities(w http.ResponseWriter, r *http.Request, _ fakeSession) {
	q := r.URL.Query()
	var out []nhi.Identity
	for _, id := range f.w.identities {
		if (q.Get("platform") != "" && string(id.Platform) != q.Get("platform")) || (q.Get("kind") != "" && string(id.Kind) != q.Get("kind")) ||
			(q.Get("owner_status") != "" && string(f.w.people[id.OwnerID].Status) != q.Get("owner_status")) ||
			(q.Get("q") != "" && !strings.Contains(strings.ToLower(id.Name+" "+id.OwnerID), strings.ToLower(q.Get("q")))) {
			continue
		}
		out = append(out, id)
	}
	if q.Get("sort") == "name" {
		slices.SortStableFunc(out, func(a, b nhi.Identity) int { return strings.Compare(a.Name, b.Name) })
	}
	page(w, r, out)
}

func (f *fakeAPI) getIdentity(w http.ResponseWriter, r *http.Request, _ fakeSession) {
	id, ok := f.w.identity(r.PathValue("id"))
	if !ok {
		fail(w, http.StatusNotFound, "not_found", "no such identity")
		return
	}
	var owner, app any
	if p, ok := f.w.people[id.OwnerID]; ok {
		owner = p
	}
	for _, a := range f.w.apps {
		if a.ExternalID == id.AppID {
			app = a
		}
	}
	fs := f.w.findingsOf(id.ID)
	total, contribs := 0, []map[string]any{}
	for _, x := range fs {
		total += x.Points
		contribs = append(contribs, map[string]any{"signal": x.Signal, "points": x.Points, "evidence": x.Evidence})
	}
	reply(w, map[string]any{"identity": id, "owner": owner, "app": app, "findings": fs,
		"score":   map[string]any{"total": total, "severity": "high", "contributions": contribs},
		"actions": []string{"revoke_grant", "revoke_app_grants"}})
}

func (f *fakeAPI) getVendor(w http.ResponseWriter, r *http.Request, s fakeSession) {
	name := r.PathValue("name")
	var apps []nhi.App
	var ids []nhi.Identity
	var fs []nhi.Finding
	for _, a := range f.w.apps {
		if a.Vendor == name {
			apps = append(apps, a)
		}
	}
	if len(apps) == 0 {
		fail(w, http.StatusNotFound, "not_found", "no such vendor")
		return
	}
	for _, id := range f.w.identities {
		if id.Name == name {
			ids = append(ids, id)
			fs = append(fs, f.w.findingsOf(id.ID)...)
		}
	}
	preview := f.w.planFor(f.now(), s.user, "Kill switch: "+name, nhi.ActionRevokeAppGrants, ids)
	preview.ID = ""
	reply(w, map[string]any{"vendor": name, "apps": apps, "identities": ids, "findings": fs, "preview": preview})
}

func (f *fakeAPI) listFindings(w http.ResponseWriter, r *http.Request, _ fakeSession) {
	q := r.URL.Query()
	var out []nhi.Finding
	for _, x := range f.w.findings {
		if (q.Get("severity") != "" && string(x.Severity) != q.Get("severity")) || (q.Get("status") != "" && string(x.Status) != q.Get("status")) {
			continue
		}
		out = append(out, x)
	}
	page(w, r, out)
}

func (f *fakeAPI) suppress(w http.ResponseWriter, r *http.Request, s fakeSession) {
	var in struct {
		Reason string
		Until  time.Time
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.Reason == "" {
		fail(w, http.StatusBadRequest, "invalid", "a reason is required")
		return
	}
	for i := range f.w.findings {
		if x := &f.w.findings[i]; x.ID == r.PathValue("id") {
			x.Status = nhi.FindingSuppressed
			x.Suppression = &nhi.Suppression{Reason: in.Reason, Author: s.user, At: f.now(), Until: in.Until}
			f.w.addAudit(f.now(), s.user, "finding.suppressed", "", x.ID)
			reply(w, x)
			return
		}
	}
	fail(w, http.StatusNotFound, "not_found", "no such finding")
}
