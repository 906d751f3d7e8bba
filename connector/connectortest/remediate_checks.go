package connectortest

import (
	"context"
	"testing"

	"github.com/nhiscope/nhi"
)

// testRevoke: a revocation takes, Verify and the simulator agree, nothing else changes.
func testRevoke(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{}, i)
	out := mustRemediate(t, inst, a)
	if out.AlreadyDone || out.Changed < 1 {
		t.Errorf("Remediate(%s %s) = AlreadyDone %v, Changed %d; want a change", a.Type, describe(a), out.AlreadyDone, out.Changed)
	}
	if inst.Exists(a) {
		t.Errorf("after Remediate(%s %s) the simulator still holds the access", a.Type, describe(a))
	}
	if v := verify(t, inst, a); !v.Gone {
		t.Errorf("Verify after Remediate(%s %s) = %+v, want gone", a.Type, describe(a), v)
	}
	othersExist(t, inst, i)
}

// testAlreadyDone: a second revocation changes nothing and says so.
func testAlreadyDone(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{}, i)
	mustRemediate(t, inst, a)
	before := mutations(inst)
	out := mustRemediate(t, inst, a)
	if !out.AlreadyDone || out.Changed != 0 {
		t.Errorf("second Remediate(%s %s) = AlreadyDone %v, Changed %d; want AlreadyDone and no change",
			a.Type, describe(a), out.AlreadyDone, out.Changed)
	}
	if a.Type == nhi.ActionRevokeGrant && mutations(inst)-before > 1 {
		t.Errorf("second Remediate(%s %s) sent %d mutating requests, want at most one", a.Type, describe(a), mutations(inst)-before)
	}
	if v := verify(t, inst, a); !v.Gone {
		t.Errorf("Verify after two Remediate(%s %s) = %+v, want gone", a.Type, describe(a), v)
	}
}

// testVerifyUntouched: Verify of access no action removed says it is still there.
func testVerifyUntouched(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{}, i)
	if v := verify(t, inst, a); v.Gone || v.Remaining < 1 {
		t.Errorf("Verify(%s %s) of untouched access = %+v, want not gone with Remaining >= 1", a.Type, describe(a), v)
	}
	if !inst.Exists(a) {
		t.Errorf("Verify(%s %s) removed the access", a.Type, describe(a))
	}
}

// testSilentlyIgnored: a change the platform acknowledges but does not make is caught by
// Verify.
func testSilentlyIgnored(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{IgnoreChanges: true}, i)
	_, _ = remediate(t, inst, a) // the platform says it succeeded; the connector cannot know
	if !inst.Exists(a) {
		t.Fatalf("the simulator removed the access of %s %s despite IgnoreChanges", a.Type, describe(a))
	}
	if v := verify(t, inst, a); v.Gone || v.Remaining < 1 {
		t.Errorf("Verify(%s %s) after an ignored change = %+v, want not gone with Remaining >= 1", a.Type, describe(a), v)
	}
}

// testPlatformFailure: a server error on every change is an error with CodeUnavailable,
// loses no access and leaves Verify saying so; once the platform heals, a rerun finishes.
func testPlatformFailure(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{FailChanges: true}, i)
	out, err := remediate(t, inst, a)
	if code := nhi.ErrorCode(err); code != nhi.CodeUnavailable {
		t.Errorf("Remediate(%s %s) on a failing platform = %v (code %q), want code %s", a.Type, describe(a), err, code, nhi.CodeUnavailable)
	}
	if out.AlreadyDone || out.Changed != 0 {
		t.Errorf("failed Remediate(%s %s) = AlreadyDone %v, Changed %d; want neither", a.Type, describe(a), out.AlreadyDone, out.Changed)
	}
	if !inst.Exists(a) {
		t.Errorf("failed Remediate(%s %s) removed the access", a.Type, describe(a))
	}
	othersExist(t, inst, i)
	if v := verify(t, inst, a); v.Gone {
		t.Errorf("Verify(%s %s) after a failed change = %+v, want not gone", a.Type, describe(a), v)
	}
	if inst.Heal == nil {
		return
	}
	inst.Heal()
	if out := mustRemediate(t, inst, a); out.AlreadyDone || out.Changed < 1 {
		t.Errorf("rerun of Remediate(%s %s) = AlreadyDone %v, Changed %d; want a change", a.Type, describe(a), out.AlreadyDone, out.Changed)
	}
	if v := verify(t, inst, a); !v.Gone || inst.Exists(a) {
		t.Errorf("after the rerun of %s %s: Verify %+v, simulator holds it %v; want gone", a.Type, describe(a), v, inst.Exists(a))
	}
}

// testRemediateCanceled: a canceled context is CodeCanceled and changes nothing.
func testRemediateCanceled(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{}, i)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := inst.Remediator.Remediate(ctx, a); nhi.ErrorCode(err) != nhi.CodeCanceled {
		t.Errorf("Remediate(%s %s) with a canceled context = %v (code %q), want code %s", a.Type, describe(a), err,
			nhi.ErrorCode(err), nhi.CodeCanceled)
	}
	if _, err := inst.Remediator.Verify(ctx, a); nhi.ErrorCode(err) != nhi.CodeCanceled {
		t.Errorf("Verify(%s %s) with a canceled context = %v (code %q), want code %s", a.Type, describe(a), err,
			nhi.ErrorCode(err), nhi.CodeCanceled)
	}
	if !inst.Exists(a) || mutations(inst) != 0 {
		t.Errorf("canceled Remediate(%s %s) changed the tenant (%d mutating requests)", a.Type, describe(a), mutations(inst))
	}
}

// testSupports: the action is supported; every variant of it the connector does not
// support, and the same action for another platform, is refused with CodeInvalid before
// any change.
func testSupports(t *testing.T, h RemediatorHarness, i int) {
	inst, a := startAction(t, h, RemediatorSetup{}, i)
	r := inst.Remediator
	if !r.Supports(a.Type, a.Kind) {
		t.Errorf("Supports(%s, %q) = false for an action of the harness", a.Type, a.Kind)
	}
	var refused []nhi.Action
	for _, typ := range append(nhi.ActionTypes(), "no_such_action") {
		for _, k := range append(nhi.Kinds(), "") {
			if r.Supports(typ, k) {
				if !typ.Valid() {
					t.Errorf("Supports(%q, %q) = true for an unknown action type", typ, k)
				}
				continue
			}
			b := a
			b.Type, b.Kind = typ, k
			refused = append(refused, b)
		}
	}
	other := a
	other.Platform = "no_such_platform"
	for _, b := range append(refused, other) {
		if _, err := remediate(t, inst, b); nhi.ErrorCode(err) != nhi.CodeInvalid {
			t.Errorf("Remediate(%s on %q, platform %q) = %v (code %q), want code %s", b.Type, b.Kind, b.Platform, err,
				nhi.ErrorCode(err), nhi.CodeInvalid)
		}
	}
	if n := mutations(inst); n != 0 || !inst.Exists(a) {
		t.Errorf("refused actions changed the tenant: %d mutating requests, access still there %v", n, inst.Exists(a))
	}
}

// testSelf: the connector names the identities it authenticates as.
func testSelf(t *testing.T, h RemediatorHarness) {
	inst := h.Start(t, RemediatorSetup{})
	self := inst.Remediator.Self()
	if len(self) == 0 {
		t.Fatal("Self() is empty: the executor could not keep nhi from revoking its own access")
	}
	for _, s := range self {
		if s == "" {
			t.Errorf("Self() = %q holds an empty ID", self)
		}
	}
}
