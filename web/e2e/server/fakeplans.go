package main

import (
	"encoding/json"
	"net/http"

	"github.com/nhiscope/nhi"
)

func (f *fakeAPI) listPlans(w http.ResponseWriter, r *http.Request, _ fakeSession) {
	var out []nhi.Plan
	for _, p := range f.w.plans {
		if st := r.URL.Query().Get("state"); st == "" || string(p.State) == st {
			out = append(out, p)
		}
	}
	page(w, r, out)
}

func (f *fakeAPI) propose(w http.ResponseWriter, r *http.Request, s fakeSession) {
	var in struct {
		IdentityIDs []string `json:"identity_ids"`
		Action      nhi.ActionType
		Reason      string
		Vendor      string
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		fail(w, http.StatusBadRequest, "invalid", "bad JSON")
		return
	}
	var ids []nhi.Identity
	title := in.Reason
	if in.Vendor != "" {
		in.Action, title = nhi.ActionRevokeAppGrants, "Kill switch: "+in.Vendor
		for _, id := range f.w.identities {
			if id.Name == in.Vendor {
				ids = append(ids, id)
			}
		}
	}
	for _, x := range in.IdentityIDs {
		if id, ok := f.w.identity(x); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 || in.Action == "" {
		fail(w, http.StatusBadRequest, "invalid", "nothing to do")
		return
	}
	p := f.w.planFor(f.now(), s.user, title, in.Action, ids)
	f.w.plans = append(f.w.plans, p)
	f.w.addAudit(f.now(), s.user, nhi.AuditPlanCreated, p.ID, "")
	w.WriteHeader(http.StatusCreated)
	reply(w, p)
}

func (f *fakeAPI) decide(w http.ResponseWriter, r *http.Request, s fakeSession) {
	i := -1
	for j, p := range f.w.plans {
		if p.ID == r.PathValue("id") {
			i = j
		}
	}
	if i < 0 {
		fail(w, http.StatusNotFound, "not_found", "no such plan")
		return
	}
	p := &f.w.plans[i]
	now := f.now()
	switch verb := r.PathValue("verb"); {
	case verb == "approve" && p.State == nhi.PlanProposed:
		p.State, p.ApprovedBy, p.ApprovedAt = nhi.PlanApproved, s.user, now
		f.w.addAudit(now, s.user, nhi.AuditPlanApproved, p.ID, "")
	case verb == "reject" && p.State == nhi.PlanProposed:
		p.State = nhi.PlanRejected
		f.w.addAudit(now, s.user, nhi.AuditPlanRejected, p.ID, "")
	case verb == "execute" && p.State == nhi.PlanApproved:
		for k := range p.Actions {
			p.Actions[k].State, p.Actions[k].FinishedAt = nhi.ActionDone, now
		}
		p.State = nhi.PlanDone
		f.w.addAudit(now, s.user, nhi.AuditPlanFinished, p.ID, "")
	case verb != "approve" && verb != "reject" && verb != "execute":
		fail(w, http.StatusNotFound, "not_found", "no such endpoint")
		return
	default:
		fail(w, http.StatusConflict, "conflict", "the plan is "+string(p.State))
		return
	}
	p.UpdatedAt = now
	reply(w, p)
}

func (f *fakeAPI) listAudit(w http.ResponseWriter, r *http.Request, _ fakeSession) {
	page(w, r, f.w.audit)
}

func (f *fakeAPI) connectors(w http.ResponseWriter, _ *http.Request, _ fakeSession) {
	reply(w, map[string]any{"items": []map[string]any{{"name": "google", "platform": "google_workspace",
		"tenant": "example.com", "last_scan_status": "succeeded", "last_scan_at": f.now()}}})
}
