package remediate

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// recorded is what the audit trail says about one action of a plan.
type recorded struct {
	// finished is the last finished entry, if any; open says a start was recorded after
	// it (or without one): the change may have reached the platform, and its result was
	// never recorded.
	finished *nhi.AuditEntry
	open     bool
}

// reconcile brings the actions of plan p, which a run that did not finish left running,
// up to date with the audit trail, and returns the indexes of the actions it changed.
// A process that dies between an action's audit entries and the saving of its result
// (results are saved in batches) leaves the store behind the audit trail: an action whose
// last finished entry is on record takes the state recorded there, and an action whose
// start is on record but not its end is marked interrupted, so that the resumed run
// first reads the platform and changes nothing when the access is already gone. That is
// what makes an interrupted and resumed plan call the platform once per change.
func (r *run) reconcile(ctx context.Context) ([]int, error) {
	log, err := r.trail(ctx)
	if err != nil {
		return nil, err
	}
	var changed []int
	for i, a := range r.plan.Actions {
		rec, ok := log[a.ID]
		if !ok || (a.State != nhi.ActionPending && a.State != nhi.ActionFailed) {
			continue
		}
		if rec.open {
			r.interrupted[a.ID] = true
			continue
		}
		if rec.finished == nil {
			continue
		}
		var d struct {
			State nhi.ActionState `json:"state"`
			Call  string          `json:"call"`
			Error string          `json:"error"`
		}
		if err := json.Unmarshal(rec.finished.Detail, &d); err != nil || d.State == "" || d.State == a.State {
			continue
		}
		a.State, a.Call, a.Error, a.FinishedAt = d.State, d.Call, d.Error, rec.finished.Time
		if d.State == nhi.ActionDone {
			a.VerifiedAt = rec.finished.Time
		}
		r.plan.Actions[i] = a
		changed = append(changed, i)
	}
	return changed, nil
}

// trail reads the action entries of the plan's audit trail.
func (r *run) trail(ctx context.Context) (map[string]*recorded, error) {
	out := map[string]*recorded{}
	var after int64
	for {
		page, err := r.x.Store.ListAudit(ctx, store.AuditFilter{PlanID: r.plan.ID, AfterSeq: after, Limit: store.MaxLimit})
		if err != nil {
			return nil, fmt.Errorf("apply: reading the plan's audit trail: %w", err)
		}
		for _, e := range page {
			after = e.Seq
			if e.ActionID == "" {
				continue
			}
			rec := out[e.ActionID]
			if rec == nil {
				rec = &recorded{}
				out[e.ActionID] = rec
			}
			switch e.Kind {
			case nhi.AuditActionStarted:
				rec.open = true
			case nhi.AuditActionFinished, nhi.AuditActionSkipped:
				e := e
				rec.finished, rec.open = &e, false
			}
		}
		if len(page) < store.MaxLimit {
			return out, nil
		}
	}
}
