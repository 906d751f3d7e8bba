package postgres

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/store/internal/sqlq"
)

// Plan returns the plan with ID id and all its actions, in order.
func (db *DB) Plan(ctx context.Context, id string) (nhi.Plan, error) {
	// One snapshot for the plan and its actions.
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nhi.Plan{}, wrap(ctx, "plan", err)
	}
	defer func() { _ = ptx.Rollback(context.WithoutCancel(ctx)) }() // read only: nothing to commit
	tx := conn{q: ptx}
	p, err := planByID(ctx, tx, id)
	if err != nil {
		if nhi.ErrorCode(err) == nhi.CodeNotFound {
			return nhi.Plan{}, err
		}
		return nhi.Plan{}, wrap(ctx, "plan", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+actionColumns+` FROM plan_actions a
		WHERE a.plan_id = ? ORDER BY a.position`, id)
	if err != nil {
		return nhi.Plan{}, wrap(ctx, "plan", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nhi.Plan{}, wrap(ctx, "plan", err)
		}
		p.Actions = append(p.Actions, a)
	}
	if err := rows.Err(); err != nil {
		return nhi.Plan{}, wrap(ctx, "plan", err)
	}
	return p, nil
}

// planByID reads plan id without its actions through q. A missing plan is CodeNotFound;
// other errors are the driver's, unwrapped.
func planByID(ctx context.Context, q queryRower, id string) (nhi.Plan, error) {
	row := q.QueryRowContext(ctx, `SELECT `+planColumns+`, p.seq FROM plans p WHERE p.id = ?`, id)
	p, _, err := scanPlan(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nhi.Plan{}, nhi.Errorf(nhi.CodeNotFound, "plan %q not found", id)
	}
	return p, err
}

// ListPlans returns a page of the plans matching f without their actions, newest first;
// plans created at the same time come most recently created first.
func (db *DB) ListPlans(ctx context.Context, f store.PlanFilter) (store.Page[nhi.Plan], error) {
	var page store.Page[nhi.Plan]
	limit, err := sqlq.PageLimit(f.Limit)
	if err != nil {
		return page, err
	}
	q, args, err := listPlansQuery(f)
	if err != nil {
		return page, err
	}
	rows, err := db.c().QueryContext(ctx, q, append(args, limit+1)...)
	if err != nil {
		return page, wrap(ctx, "list plans", err)
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		p, seq, err := scanPlan(rows)
		if err != nil {
			return page, wrap(ctx, "list plans", err)
		}
		page.Items, seqs = append(page.Items, p), append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return page, wrap(ctx, "list plans", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = sqlq.EncodeCursor(sqlq.ListPlans, strconv.FormatInt(sqlq.MS(last.CreatedAt), 10),
			strconv.FormatInt(seqs[limit-1], 10))
	}
	return page, nil
}

// listPlansQuery returns the query of the plans matching f, in list order, and its
// arguments but the last: the LIMIT.
func listPlansQuery(f store.PlanFilter) (string, []any, error) {
	if f.State != "" && !f.State.Valid() {
		return "", nil, nhi.Errorf(nhi.CodeInvalid, "invalid plan state %q", f.State)
	}
	var w sqlq.Where
	if f.After != "" {
		created, seq, err := decodePlansCursor(f.After)
		if err != nil {
			return "", nil, err
		}
		w.Add(`(p.created_at < ? OR (p.created_at = ? AND p.seq < ?))`, created, created, seq)
	}
	w.AddIf(f.State != "", `p.state = ?`, string(f.State))
	w.AddIf(f.Policy != "", `p.policy = ?`, f.Policy)
	return `SELECT ` + planColumns + `, p.seq FROM plans p` + w.SQL() +
		` ORDER BY p.created_at DESC, p.seq DESC LIMIT ?`, w.Args, nil
}

// decodePlansCursor decodes a cursor of plans: a creation time and a sequence number.
func decodePlansCursor(s string) (created, seq int64, err error) {
	keys, err := sqlq.DecodeCursor(s, sqlq.ListPlans, 2)
	if err != nil {
		return 0, 0, err
	}
	created, err1 := strconv.ParseInt(keys[0], 10, 64)
	seq, err2 := strconv.ParseInt(keys[1], 10, 64)
	if err1 != nil || err2 != nil || created < 0 || seq < 0 {
		return 0, 0, nhi.Errorf(nhi.CodeInvalid, "invalid page cursor: bad plan position")
	}
	return created, seq, nil
}

// scanPlan reads one row of planColumns followed by p.seq.
func scanPlan(r rowScanner) (nhi.Plan, int64, error) {
	var (
		p                          nhi.Plan
		reason, mode, state, blast string
		approval                   bool
		created, updated, approved int64
		seq                        int64
	)
	err := r.Scan(&p.ID, &p.Title, &reason, &mode, &approval, &state, &created, &updated,
		&p.CreatedBy, &p.ApprovedBy, &approved, &blast, &seq)
	if err != nil {
		return nhi.Plan{}, 0, err
	}
	p.Mode, p.State, p.RequiresApproval = nhi.PlanMode(mode), nhi.PlanState(state), approval
	p.CreatedAt, p.UpdatedAt, p.ApprovedAt = sqlq.FromMS(created), sqlq.FromMS(updated), sqlq.FromMS(approved)
	if err := sqlq.DecodeJSON("reason", reason, &p.Reason); err != nil {
		return nhi.Plan{}, 0, err
	}
	if err := sqlq.DecodeJSON("blast", blast, &p.Blast); err != nil {
		return nhi.Plan{}, 0, err
	}
	return p, seq, nil
}

// scanAction reads one row of actionColumns.
func scanAction(r rowScanner) (nhi.Action, error) {
	var (
		a                           nhi.Action
		typ, platform, kind, state  string
		scopes, reason              string
		started, finished, verified int64
	)
	err := r.Scan(&a.ID, &typ, &platform, &a.Tenant, &a.IdentityID, &kind, &a.ExternalID, &a.Name,
		&a.AppID, &a.OwnerID, &scopes, &a.CredentialID, &a.Message, &reason, &state, &a.Error,
		&a.Call, &a.Attempts, &started, &finished, &verified)
	if err != nil {
		return nhi.Action{}, err
	}
	a.Type, a.Platform, a.Kind = nhi.ActionType(typ), nhi.Platform(platform), nhi.Kind(kind)
	a.State = nhi.ActionState(state)
	a.StartedAt, a.FinishedAt, a.VerifiedAt = sqlq.FromMS(started), sqlq.FromMS(finished), sqlq.FromMS(verified)
	if err := sqlq.DecodeJSON("scopes", scopes, &a.Scopes); err != nil {
		return nhi.Action{}, err
	}
	if err := sqlq.DecodeJSON("reason", reason, &a.Reason); err != nil {
		return nhi.Action{}, err
	}
	return a, nil
}
