package remediate

import (
	"context"
	"log/slog"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// Tenant names one tenant of one platform.
type Tenant struct {
	Platform nhi.Platform
	Tenant   string
}

// Targets maps each tenant nhi may act on to the connector that acts on it.
type Targets map[Tenant]connector.Remediator

// Notifier sends an owner notification (notify_owner actions) for action a of plan p
// (p without its actions). owner is the identity's owner as last recorded, zero when
// unknown.
type Notifier interface {
	NotifyOwner(ctx context.Context, p nhi.Plan, a nhi.Action, owner nhi.Person) error
}

// Defaults of the executor's guards and pacing.
const (
	DefaultConcurrency            = 8
	DefaultMaxActions             = 100
	DefaultMaxConsecutiveFailures = 5
	DefaultVerifyAttempts         = 4
	DefaultVerifyBackoff          = 250 * time.Millisecond
)

// Executor runs plans. The zero value of each numeric field means its default.
type Executor struct {
	Store    store.Store
	Targets  Targets
	Notifier Notifier
	// Actor is recorded in the audit trail as who ran the plan.
	Actor  string
	Now    func() time.Time
	Logger *slog.Logger
	// Concurrency is how many actions run at once.
	Concurrency int
	// MaxActions refuses a run of more actions unless ApplyOptions.Force.
	MaxActions int
	// MaxConsecutiveFailures stops a run after that many failures in a row.
	MaxConsecutiveFailures int
	// VerifyAttempts is how often the platform is re-read before a change that does not
	// show is called a failure; VerifyBackoff is the first pause, doubled each time.
	VerifyAttempts int
	VerifyBackoff  time.Duration
	// Sleep waits between verification attempts; nil means a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ApplyOptions say how to apply a plan.
type ApplyOptions struct {
	// Execute changes the tenants; without it Apply only previews (dry run).
	Execute bool
	// Force lifts the MaxActions guard.
	Force bool
	// Resume takes over a plan left running by a run that did not finish. Only one
	// process may run a plan: resuming one that another process is running would run
	// its actions twice.
	Resume bool
}

// Report is what one Apply did or, for a dry run, would do.
type Report struct {
	Plan   nhi.Plan
	DryRun bool
	// Preview lists, for a dry run, each action that would run or be skipped.
	Preview []Preview
	// Counts over the actions of this run.
	Done, AlreadyDone, Failed, Skipped, Pending int
	// Stopped says why the run stopped before trying every action, if it did.
	Stopped string
	// Contained is the time from the start of the run (or the plan's approval, when
	// later) to the last verified action.
	Contained time.Duration
}

// Preview is one action of a dry run.
type Preview struct {
	Action nhi.Action
	// Skip says why the action would be skipped; empty when it would run.
	Skip string
}

func (x *Executor) now() time.Time {
	if x.Now == nil {
		return time.Now()
	}
	return x.Now()
}

func (x *Executor) log() *slog.Logger {
	if x.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return x.Logger
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

func (x *Executor) sleep(ctx context.Context, d time.Duration) error {
	if x.Sleep != nil {
		return x.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
