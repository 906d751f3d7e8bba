package connectortest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// RemediatorHarness starts remediating connectors for RunRemediator.
type RemediatorHarness struct {
	// Start returns a connector wired to a fresh simulator set up as s says. It must give
	// the same Actions every time. It fails t when it cannot, and registers cleanups with t.
	Start func(t *testing.T, s RemediatorSetup) *RemediatorInstance
}

// RemediatorSetup says how the simulator answers changes. The zero value is a simulator
// that applies them.
type RemediatorSetup struct {
	// IgnoreChanges makes the simulator answer every change it is asked for as if it had
	// made it, and change nothing: a revocation that silently does not take.
	IgnoreChanges bool
	// FailChanges makes the simulator answer every change with a server error (500),
	// however often it is retried, until RemediatorInstance.Heal is called.
	FailChanges bool
}

// RemediatorInstance is a remediating connector wired to a simulator.
type RemediatorInstance struct {
	Remediator connector.Remediator
	// Actions are actions on accesses the tenant holds, each of a type and kind the
	// connector supports, no two touching the same access: at least one. Every check
	// runs for each; an app-wide action had best name an app with few grants.
	Actions []nhi.Action
	// Exists reports whether the simulator still holds any of the access a removes (for
	// an app-wide action, any grant of the app), from its own state.
	Exists func(a nhi.Action) bool
	// Requests returns the simulator's request log so far, oldest first.
	Requests func() []Request
	// Heal ends the failures of RemediatorSetup.FailChanges; nil skips the rerun after a
	// failure.
	Heal func()
}

// RunRemediator runs the remediation conformance suite against the connectors h starts:
// a revocation takes and Verify sees it, a second one is AlreadyDone, Verify of untouched
// access says it is there and never changes the tenant, a silently ignored change is
// caught by Verify, a platform failure is an error with CodeUnavailable that loses
// nothing and a rerun finishes, cancellation is CodeCanceled, Supports agrees with what
// Remediate accepts, and Self is never empty. Subtests run in parallel, each with an
// instance of its own.
func RunRemediator(t *testing.T, h RemediatorHarness) {
	t.Helper()
	probe := h.Start(t, RemediatorSetup{})
	if len(probe.Actions) == 0 {
		t.Fatal("RemediatorHarness.Start gives no actions")
	}
	t.Run("Self", func(t *testing.T) {
		t.Parallel()
		testSelf(t, h)
	})
	checks := []struct {
		name string
		run  func(t *testing.T, h RemediatorHarness, i int)
	}{
		{"RevokeAndVerify", testRevoke},
		{"AlreadyDone", testAlreadyDone},
		{"VerifyUntouched", testVerifyUntouched},
		{"SilentlyIgnored", testSilentlyIgnored},
		{"PlatformFailure", testPlatformFailure},
		{"Canceled", testRemediateCanceled},
		{"Supports", testSupports},
	}
	for i, a := range probe.Actions {
		for _, c := range checks {
			t.Run(fmt.Sprintf("%d-%s/%s", i, a.Type, c.name), func(t *testing.T) {
				t.Parallel()
				c.run(t, h, i)
			})
		}
	}
}

// startAction starts an instance set up as s and returns it with its i-th action, which
// must exist in the tenant.
func startAction(t *testing.T, h RemediatorHarness, s RemediatorSetup, i int) (*RemediatorInstance, nhi.Action) {
	t.Helper()
	inst := h.Start(t, s)
	if i >= len(inst.Actions) {
		t.Fatalf("Start gave %d actions, earlier %d", len(inst.Actions), i+1)
	}
	a := inst.Actions[i]
	if !inst.Exists(a) {
		t.Fatalf("action %s on %s: the simulator does not hold its access to begin with", a.Type, describe(a))
	}
	return inst, a
}

// describe names an action's target for messages.
func describe(a nhi.Action) string {
	if a.ExternalID != "" {
		return a.ExternalID
	}
	return "app " + a.AppID
}

// remediate runs Remediate, bounded by scanTimeout.
func remediate(t *testing.T, inst *RemediatorInstance, a nhi.Action) (connector.Outcome, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), scanTimeout)
	defer cancel()
	return inst.Remediator.Remediate(ctx, a)
}

// mustRemediate runs Remediate, which must succeed.
func mustRemediate(t *testing.T, inst *RemediatorInstance, a nhi.Action) connector.Outcome {
	t.Helper()
	out, err := remediate(t, inst, a)
	if err != nil {
		t.Fatalf("Remediate(%s %s) = %v (code %s)", a.Type, describe(a), err, nhi.ErrorCode(err))
	}
	if out.Call == "" {
		t.Errorf("Remediate(%s %s): Outcome.Call is empty, want the API call made", a.Type, describe(a))
	}
	return out
}

// verify runs Verify, which must succeed, say what it read and send no mutating request.
func verify(t *testing.T, inst *RemediatorInstance, a nhi.Action) connector.Verification {
	t.Helper()
	before := mutations(inst)
	ctx, cancel := context.WithTimeout(t.Context(), scanTimeout)
	defer cancel()
	v, err := inst.Remediator.Verify(ctx, a)
	if err != nil {
		t.Fatalf("Verify(%s %s) = %v (code %s)", a.Type, describe(a), err, nhi.ErrorCode(err))
	}
	if n := mutations(inst) - before; n != 0 {
		t.Errorf("Verify(%s %s) sent %d mutating requests, want none", a.Type, describe(a), n)
	}
	if v.Detail == "" {
		t.Errorf("Verify(%s %s): Detail is empty, want what was read", a.Type, describe(a))
	}
	if v.Gone != (v.Remaining == 0) {
		t.Errorf("Verify(%s %s) = Gone %v with Remaining %d; Remaining is zero exactly when Gone",
			a.Type, describe(a), v.Gone, v.Remaining)
	}
	return v
}

// mutations counts the simulator's mutating API requests so far.
func mutations(inst *RemediatorInstance) int {
	n := 0
	for _, r := range inst.Requests() {
		if r.API && r.Method != http.MethodGet && r.Method != http.MethodHead {
			n++
		}
	}
	return n
}

// othersExist fails t unless the access of every action of inst but the i-th is still
// there.
func othersExist(t *testing.T, inst *RemediatorInstance, i int) {
	t.Helper()
	for j, b := range inst.Actions {
		if j != i && !inst.Exists(b) {
			t.Errorf("the access of %s %s is gone, but no action on it ran", b.Type, describe(b))
		}
	}
}
