package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// errNotVerified marks a change the platform accepted but does not show.
var errNotVerified = errors.New("not verified")

// perform carries out one action: guard, audit entry, the change, verification, audit
// entry. It returns the action with its new state and whether it was already done.
func (r *run) perform(ctx context.Context, a nhi.Action) (nhi.Action, bool) {
	a.Error = ""
	if why, permanent := r.guard(a); why != "" {
		a.State, a.Error = nhi.ActionSkipped, why
		if !permanent {
			a.State = nhi.ActionFailed
		}
		if _, err := r.audit(ctx, nhi.AuditActionSkipped, a, map[string]any{"reason": why, "retryable": !permanent}); err != nil {
			r.stop("the audit trail cannot be written: " + nhi.ErrorMessage(err))
		}
		return a, false
	}
	if r.interrupted[a.ID] {
		if settled, ok := r.settle(ctx, a); ok {
			return settled, true
		}
	}
	detail := map[string]any{"action": a}
	if before, err := r.before(ctx, a); err != nil {
		detail["before_error"] = nhi.ErrorMessage(err)
	} else if before != nil {
		detail["before"] = before
	}
	if _, err := r.audit(ctx, nhi.AuditActionStarted, a, detail); err != nil {
		r.stop("the audit trail cannot be written: " + nhi.ErrorMessage(err))
		a.State, a.Error = nhi.ActionFailed, "not attempted: the audit trail cannot be written"
		return a, false
	}
	a.StartedAt = r.x.now()
	a.Attempts++
	out, v, err := r.change(ctx, a)
	a.FinishedAt = r.x.now()
	a.Call = out.Call
	result := map[string]any{"call": out.Call, "already_done": out.AlreadyDone, "changed": out.Changed}
	if len(out.Touched) > 0 {
		result["touched"] = out.Touched
	}
	if err != nil {
		a.State, a.Error = nhi.ActionFailed, nhi.ErrorMessage(err)
		if errors.Is(err, errNotVerified) {
			a.Error = "not verified: " + v.Detail
		}
		result["error"] = a.Error
		r.x.log().Warn("action failed", "plan", r.plan.ID, "action", a.ID, "type", a.Type,
			"target", target(a), "err", a.Error)
	} else {
		a.State, a.VerifiedAt = nhi.ActionDone, a.FinishedAt
		result["seconds_to_contain"] = a.VerifiedAt.Sub(r.start).Seconds()
	}
	result["state"], result["verification"] = a.State, v
	if _, err := r.audit(ctx, nhi.AuditActionFinished, a, result); err != nil {
		r.stop("the audit trail cannot be written: " + nhi.ErrorMessage(err))
	}
	return a, err == nil && out.AlreadyDone
}

// settle finishes action a, which an earlier run started and never finished, without
// calling the platform again when the change it made shows there. ok is false when it
// does not (or cannot be read, or a is a notification): a must be carried out.
func (r *run) settle(ctx context.Context, a nhi.Action) (nhi.Action, bool) {
	if a.Type == nhi.ActionNotifyOwner {
		return a, false
	}
	v, err := r.x.Targets[Tenant{a.Platform, a.Tenant}].Verify(ctx, a)
	if err != nil || !v.Gone {
		return a, false
	}
	a.FinishedAt = r.x.now()
	a.State, a.VerifiedAt, a.Error = nhi.ActionDone, a.FinishedAt, ""
	if _, err := r.audit(ctx, nhi.AuditActionFinished, a, map[string]any{"state": a.State, "already_done": true,
		"reconciled":   "an interrupted run made this change; it shows on the platform and was not made again",
		"verification": v}); err != nil {
		r.stop("the audit trail cannot be written: " + nhi.ErrorMessage(err))
	}
	return a, true
}

// change makes the change and verifies it (or sends the notification).
func (r *run) change(ctx context.Context, a nhi.Action) (connector.Outcome, connector.Verification, error) {
	if a.Type == nhi.ActionNotifyOwner {
		owner, _ := r.x.Store.Person(ctx, a.Platform, a.Tenant, a.OwnerID)
		head := r.plan
		head.Actions = nil
		err := r.x.Notifier.NotifyOwner(ctx, head, a, owner)
		return connector.Outcome{Call: "notify owner"}, connector.Verification{Gone: err == nil, Detail: "notification delivered"}, err
	}
	rem := r.x.Targets[Tenant{a.Platform, a.Tenant}]
	out, err := rem.Remediate(ctx, a)
	if err != nil {
		return out, connector.Verification{}, err
	}
	v, err := r.verify(ctx, rem, a)
	if err == nil && !v.Gone {
		err = fmt.Errorf("%w: %s", errNotVerified, v.Detail)
	}
	return out, v, err
}

// verify re-reads the platform until the change shows or the attempts are spent, since
// some platforms apply revocations with a delay.
func (r *run) verify(ctx context.Context, rem connector.Remediator, a nhi.Action) (connector.Verification, error) {
	wait := orDefault(r.x.VerifyBackoff, DefaultVerifyBackoff)
	attempts := orDefault(r.x.VerifyAttempts, DefaultVerifyAttempts)
	for n := 1; ; n++ {
		v, err := rem.Verify(ctx, a)
		if err != nil || v.Gone || n >= attempts {
			if err == nil && !v.Gone && v.Detail == "" {
				v.Detail = fmt.Sprintf("the access is still there after %d reads", n)
			}
			return v, err
		}
		if err := r.x.sleep(ctx, wait); err != nil {
			return v, err
		}
		wait *= 2
	}
}

// guard says why an action must not run, or "" when it may. A permanent refusal (nhi's
// own identity, an action the platform cannot do) skips the action for good; any other
// (no connector or notification channel configured yet) fails it, so that a rerun once
// the configuration is fixed carries it out.
func (r *run) guard(a nhi.Action) (why string, permanent bool) {
	if !a.Type.Valid() {
		return fmt.Sprintf("unknown action type %q", a.Type), true
	}
	if a.Type == nhi.ActionNotifyOwner {
		if r.x.Notifier == nil {
			return "no notification channel is configured", false
		}
		return "", false
	}
	rem, ok := r.x.Targets[Tenant{a.Platform, a.Tenant}]
	switch {
	case !ok:
		return fmt.Sprintf("no connector is configured for %s tenant %s", a.Platform, a.Tenant), false
	case isSelf(rem, a):
		return "nhi itself authenticates as this identity or app; acting on it would lock nhi out", true
	case !rem.Supports(a.Type, a.Kind):
		return fmt.Sprintf("the %s connector cannot %s %s", a.Platform, a.Type, kindText(a.Kind)), true
	}
	return "", false
}

func isSelf(rem connector.Remediator, a nhi.Action) bool {
	return slices.ContainsFunc(rem.Self(), func(s string) bool {
		return s != "" && (s == a.AppID || s == a.ExternalID)
	})
}

func kindText(k nhi.Kind) string {
	if k == "" {
		return "app-wide"
	}
	return "a " + string(k)
}

// before returns the identity's stored state before the change, for the audit trail.
func (r *run) before(ctx context.Context, a nhi.Action) (json.RawMessage, error) {
	if a.IdentityID == "" {
		return nil, nil
	}
	id, err := r.x.Store.Identity(ctx, a.IdentityID)
	if err != nil {
		return nil, err
	}
	return json.Marshal(id)
}
