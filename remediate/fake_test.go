package remediate_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// platform is a scripted tenant behind the Remediator contract: a set of present grants,
// with knobs for the failures the executor must handle. Every Remediate call checks that
// the audit trail's last entry announces it, the rule that nothing changes unannounced.
type platform struct {
	st store.Audit

	mu          sync.Mutex
	present     map[string]bool // identity IDs
	ignore      bool            // answer deletes without deleting (silently ignored)
	failing     map[string]error
	calls       []string
	reads       int
	unannounced []string
}

func newPlatform(st store.Audit, ids ...string) *platform {
	p := &platform{st: st, present: map[string]bool{}, failing: map[string]error{}}
	for _, id := range ids {
		p.present[id] = true
	}
	return p
}

func (p *platform) Supports(t nhi.ActionType, k nhi.Kind) bool {
	return t == nhi.ActionRevokeGrant && k == nhi.KindOAuthGrant
}

func (p *platform) Self() []string { return []string{"nhi-client"} }

func (p *platform) Remediate(ctx context.Context, a nhi.Action) (connector.Outcome, error) {
	last, err := p.st.ListAudit(ctx, store.AuditFilter{Limit: store.MaxLimit})
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil || !announced(last, a) {
		p.unannounced = append(p.unannounced, a.IdentityID)
	}
	p.calls = append(p.calls, a.IdentityID)
	if err := p.failing[a.IdentityID]; err != nil {
		return connector.Outcome{}, err
	}
	call := "DELETE /grants/" + a.IdentityID
	if !p.present[a.IdentityID] {
		return connector.Outcome{Call: call, AlreadyDone: true}, nil
	}
	if !p.ignore {
		delete(p.present, a.IdentityID)
	}
	return connector.Outcome{Call: call, Changed: 1}, nil
}

// announced reports whether an action.started entry for a exists with no
// action.finished after it.
func announced(entries []nhi.AuditEntry, a nhi.Action) bool {
	open := false
	for _, e := range entries {
		if e.Target != a.IdentityID {
			continue
		}
		open = e.Kind == nhi.AuditActionStarted
	}
	return open
}

func (p *platform) Verify(_ context.Context, a nhi.Action) (connector.Verification, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	if p.present[a.IdentityID] {
		return connector.Verification{Remaining: 1, Detail: "grant still listed"}, nil
	}
	return connector.Verification{Gone: true}, nil
}

func (p *platform) has(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.present[id]
}

func (p *platform) callCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// notifier records notifications.
type notifier struct {
	mu   sync.Mutex
	sent []string
	err  error
}

func (n *notifier) NotifyOwner(_ context.Context, _ nhi.Plan, a nhi.Action, owner nhi.Person) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	n.sent = append(n.sent, fmt.Sprintf("%s->%s", a.IdentityID, owner.Email))
	return nil
}
