package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

var _ store.Plans = (*DB)(nil)

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key: a plan created at the
// same time by another caller.
const uniqueViolation = "23505"

const (
	planColumns = `p.id, p.title, p.reason, p.mode, p.requires_approval, p.state, p.created_at,
		p.updated_at, p.created_by, p.approved_by, p.approved_at, p.blast`
	actionColumns = `a.id, a.type, a.platform, a.tenant, a.identity_id, a.kind, a.external_id,
		a.name, a.app_id, a.owner_id, a.scopes, a.credential_id, a.message, a.reason, a.state,
		a.error, a.call, a.attempts, a.started_at, a.finished_at, a.verified_at`
	insertPlan = `INSERT INTO plans (id, title, reason, policy, mode, requires_approval, state,
		created_at, updated_at, created_by, approved_by, approved_at, blast)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertAction = `INSERT INTO plan_actions (plan_id, position, id, type, platform, tenant,
		identity_id, kind, external_id, name, app_id, owner_id, scopes, credential_id, message,
		reason, action_key, state, error, call, attempts, started_at, finished_at, verified_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CreatePlan stores p and its actions in one transaction and returns the plan as stored.
// It keeps p.ID when set (an ID already stored is CodeConflict) and else assigns
// nhi.NewPlanID(); it sets CreatedAt and UpdatedAt to at (the clock's time when zero).
// An empty Mode is nhi.ModeDryRun, an empty State nhi.PlanProposed, an empty action State
// nhi.ActionPending, and an action without an ID gets its position ("1", "2", ...).
// Unknown modes, states and action types, actions without a platform or tenant, and two
// actions with one ID are CodeInvalid. Times are kept at millisecond precision in UTC.
func (db *DB) CreatePlan(ctx context.Context, p nhi.Plan, at time.Time) (nhi.Plan, error) {
	p, err := normPlan(p, db.seen(at))
	if err != nil {
		return nhi.Plan{}, err
	}
	err = db.withTx(ctx, "create plan", func(tx conn) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM plans WHERE id = ?`, p.ID).Scan(&one)
		switch {
		case err == nil:
			return nhi.Errorf(nhi.CodeConflict, "plan %q already exists", p.ID)
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if err := execPlan(ctx, tx, p); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == uniqueViolation {
				return nhi.Errorf(nhi.CodeConflict, "plan %q already exists", p.ID)
			}
			return err
		}
		return execActions(ctx, tx, p.ID, p.Actions)
	})
	if err != nil {
		return nhi.Plan{}, err
	}
	return p, nil
}

// normPlan validates p and returns it as CreatePlan stores it, created at at.
func normPlan(p nhi.Plan, at time.Time) (nhi.Plan, error) {
	if p.ID == "" {
		p.ID = nhi.NewPlanID()
	}
	if p.Mode == "" {
		p.Mode = nhi.ModeDryRun
	}
	if p.State == "" {
		p.State = nhi.PlanProposed
	}
	switch {
	case p.Mode != nhi.ModeDryRun && p.Mode != nhi.ModeEnforce:
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "create plan: invalid mode %q", p.Mode)
	case !p.State.Valid():
		return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "create plan: invalid state %q", p.State)
	}
	p.CreatedAt, p.UpdatedAt = sqlq.NormTime(at), sqlq.NormTime(at)
	p.ApprovedAt = sqlq.NormTime(p.ApprovedAt)
	actions := make([]nhi.Action, len(p.Actions))
	ids := make(map[string]bool, len(p.Actions))
	for i, a := range p.Actions {
		a, err := normAction(i, a)
		if err != nil {
			return nhi.Plan{}, err
		}
		if ids[a.ID] {
			return nhi.Plan{}, nhi.Errorf(nhi.CodeInvalid, "create plan: two actions have ID %q", a.ID)
		}
		ids[a.ID] = true
		actions[i] = a
	}
	if len(actions) > 0 {
		p.Actions = actions
	}
	return p, nil
}

// normAction validates the action at index i of a new plan and returns it as stored.
func normAction(i int, a nhi.Action) (nhi.Action, error) {
	if a.ID == "" {
		a.ID = strconv.Itoa(i + 1)
	}
	if a.State == "" {
		a.State = nhi.ActionPending
	}
	switch {
	case !a.Type.Valid():
		return a, nhi.Errorf(nhi.CodeInvalid, "create plan: action %d: invalid type %q", i+1, a.Type)
	case a.Platform == "" || a.Tenant == "":
		return a, nhi.Errorf(nhi.CodeInvalid, "create plan: action %d: platform and tenant are required", i+1)
	case !validActionState(a.State):
		return a, nhi.Errorf(nhi.CodeInvalid, "create plan: action %d: invalid state %q", i+1, a.State)
	case a.Attempts < 0:
		return a, nhi.Errorf(nhi.CodeInvalid, "create plan: action %d: negative attempts", i+1)
	}
	a.StartedAt, a.FinishedAt, a.VerifiedAt = sqlq.NormTime(a.StartedAt), sqlq.NormTime(a.FinishedAt), sqlq.NormTime(a.VerifiedAt)
	return a, nil
}

// validActionState reports whether s is a known action state.
func validActionState(s nhi.ActionState) bool {
	switch s {
	case nhi.ActionPending, nhi.ActionDone, nhi.ActionFailed, nhi.ActionSkipped:
		return true
	}
	return false
}

// execPlan inserts the row of plan p (without its actions).
func execPlan(ctx context.Context, tx conn, p nhi.Plan) error {
	reason, err := sqlq.EncodeJSON(p.Reason)
	if err != nil {
		return err
	}
	blast, err := sqlq.EncodeJSON(p.Blast)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertPlan, p.ID, p.Title, reason, p.Reason.Policy, string(p.Mode),
		p.RequiresApproval, string(p.State), sqlq.MS(p.CreatedAt), sqlq.MS(p.UpdatedAt), p.CreatedBy,
		p.ApprovedBy, sqlq.MS(p.ApprovedAt), blast)
	return err
}

// execActions inserts the actions of plan planID, in order.
func execActions(ctx context.Context, tx conn, planID string, actions []nhi.Action) error {
	if len(actions) == 0 {
		return nil
	}
	for i, a := range actions {
		scopes, err := encodeStrings(a.Scopes)
		if err != nil {
			return err
		}
		reason, err := sqlq.EncodeJSON(a.Reason)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, insertAction, planID, i+1, a.ID, string(a.Type), string(a.Platform), a.Tenant,
			a.IdentityID, string(a.Kind), a.ExternalID, a.Name, a.AppID, a.OwnerID, scopes,
			a.CredentialID, a.Message, reason, a.Key(), string(a.State), a.Error, a.Call, a.Attempts,
			sqlq.MS(a.StartedAt), sqlq.MS(a.FinishedAt), sqlq.MS(a.VerifiedAt))
		if err != nil {
			return err
		}
	}
	return nil
}
