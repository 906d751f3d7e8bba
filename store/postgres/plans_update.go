package postgres

import (
	"context"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// The statements of TransitionPlan, UpdateActions and OpenActionKeys.
const (
	transitionPlan = `UPDATE plans SET state = ?, updated_at = ? WHERE id = ?`
	approvePlan    = `UPDATE plans SET state = ?, updated_at = ?, approved_by = ?, approved_at = ?
		WHERE id = ?`
	updateAction = `UPDATE plan_actions SET state = ?, error = ?, call = ?, attempts = ?,
		started_at = ?, finished_at = ?, verified_at = ? WHERE plan_id = ? AND id = ?`
	openActionKeys = `SELECT a.action_key FROM plans p
		JOIN plan_actions a ON a.plan_id = p.id
		WHERE p.state IN ('proposed', 'approved', 'running', 'partial', 'failed')
		AND a.state IN ('pending', 'failed') AND (? = '' OR p.mode = ?)`
)

// TransitionPlan moves plan t.PlanID to t.To, at t.At (the clock's time when zero), if
// its state is one of t.From, and returns it without its actions. The check and the
// change are one transaction, so of two callers moving a plan from one state only one
// succeeds. A plan in another state is CodeConflict, naming the state it is in; an unknown
// plan is CodeNotFound; an empty From or an unknown state is CodeInvalid. Moving to
// nhi.PlanApproved records t.By and t.At as the approval; other moves keep the approval.
func (db *DB) TransitionPlan(ctx context.Context, t store.Transition) (nhi.Plan, error) {
	if err := checkTransition(t); err != nil {
		return nhi.Plan{}, err
	}
	at := sqlq.NormTime(db.seen(t.At))
	var out nhi.Plan
	err := db.withTx(ctx, "transition plan", func(tx conn) error {
		// Lock the plan's row first: a concurrent transition waits for this one to
		// commit, then reads the state it left.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM plans WHERE id = ? FOR UPDATE`, t.PlanID); err != nil {
			return err
		}
		p, err := planByID(ctx, tx, t.PlanID)
		if err != nil {
			return err
		}
		if !slices.Contains(t.From, p.State) {
			return nhi.Errorf(nhi.CodeConflict, "plan %q is %s, not %s", t.PlanID, p.State, states(t.From))
		}
		if t.To == nhi.PlanApproved {
			_, err = tx.ExecContext(ctx, approvePlan, string(t.To), sqlq.MS(at), t.By, sqlq.MS(at), t.PlanID)
			p.ApprovedBy, p.ApprovedAt = t.By, at
		} else {
			_, err = tx.ExecContext(ctx, transitionPlan, string(t.To), sqlq.MS(at), t.PlanID)
		}
		p.State, p.UpdatedAt = t.To, at
		out = p
		return err
	})
	if err != nil {
		return nhi.Plan{}, err
	}
	return out, nil
}

// checkTransition refuses, with CodeInvalid, a transition from no state or with an unknown
// state.
func checkTransition(t store.Transition) error {
	if len(t.From) == 0 {
		return nhi.Errorf(nhi.CodeInvalid, "transition plan: no state to move from")
	}
	for _, s := range append([]nhi.PlanState{t.To}, t.From...) {
		if !s.Valid() {
			return nhi.Errorf(nhi.CodeInvalid, "transition plan: invalid state %q", s)
		}
	}
	return nil
}

// states returns ss for a message: "proposed" or "proposed or approved".
func states(ss []nhi.PlanState) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// UpdateActions stores the state, error, call, attempts and times of actions of plan
// planID, matched by ID, in one transaction; other fields are
// ignored, and the plan's UpdatedAt is left alone. An unknown plan, or an action ID the
// plan does not have, is CodeNotFound and an unknown state or negative attempts
// CodeInvalid; then nothing is stored. Times are kept at millisecond precision.
func (db *DB) UpdateActions(ctx context.Context, planID string, actions []nhi.Action) error {
	for _, a := range actions {
		if !validActionState(a.State) {
			return nhi.Errorf(nhi.CodeInvalid, "update actions: action %q: invalid state %q", a.ID, a.State)
		}
		if a.Attempts < 0 {
			return nhi.Errorf(nhi.CodeInvalid, "update actions: action %q: negative attempts", a.ID)
		}
	}
	return db.withTx(ctx, "update actions", func(tx conn) error {
		if _, err := planByID(ctx, tx, planID); err != nil {
			return err
		}
		if len(actions) == 0 {
			return nil
		}
		for _, a := range actions {
			res, err := tx.ExecContext(ctx, updateAction, string(a.State), a.Error, a.Call, a.Attempts,
				sqlq.MS(a.StartedAt), sqlq.MS(a.FinishedAt), sqlq.MS(a.VerifiedAt), planID, a.ID)
			if err != nil {
				return err
			}
			if res.RowsAffected() == 0 {
				return nhi.Errorf(nhi.CodeNotFound, "plan %q has no action %q", planID, a.ID)
			}
		}
		return nil
	})
}

// OpenActionKeys returns the nhi.Action.Key of every pending or failed action of the plans
// that can still run (proposed, approved, running, partial, failed), of one mode or of all.
func (db *DB) OpenActionKeys(ctx context.Context, mode nhi.PlanMode) (map[string]bool, error) {
	rows, err := db.c().QueryContext(ctx, openActionKeys, string(mode), string(mode))
	if err != nil {
		return nil, wrap(ctx, "open action keys", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, wrap(ctx, "open action keys", err)
		}
		out[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, "open action keys", err)
	}
	return out, nil
}
