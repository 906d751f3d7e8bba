package web

import (
	"context"
	"slices"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// seqList reads at most limit entries with a sequence number greater than after, in
// ascending order: the audit trail or the recorded changes.
type seqList[T any] func(after int64, limit int) ([]T, error)

// window returns where to start reading a sequence so as to read about its newest
// timelineWindow entries, and whether that covers the whole sequence. It finds the newest
// entry with a few one-entry reads (doubling, then halving), never reading the sequence
// whole.
func window[T any](list seqList[T], seq func(T) int64) (from int64, complete bool, err error) {
	more := func(after int64) (bool, error) {
		items, err := list(after, 1)
		return len(items) > 0, err
	}
	first, err := list(0, 1)
	if err != nil || len(first) == 0 {
		return 0, true, err
	}
	lo, hi := seq(first[0])-1, max(1, seq(first[0])*2)
	for {
		ok, err := more(hi)
		if err != nil {
			return 0, false, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 { // an entry follows lo, none follows hi
		mid := lo + (hi-lo)/2
		ok, err := more(mid)
		if err != nil {
			return 0, false, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	from = max(0, hi-timelineWindow)
	return from, seq(first[0]) > from, nil
}

// readAfter passes every entry after from to fn, in order.
func readAfter[T any](from int64, list seqList[T], seq func(T) int64, fn func(T)) error {
	for {
		items, err := list(from, store.MaxLimit)
		if err != nil {
			return err
		}
		for _, it := range items {
			fn(it)
		}
		if len(items) < store.MaxLimit {
			return nil
		}
		from = seq(items[len(items)-1])
	}
}

// auditEvents adds the audit entries of the plans that touched the identity: the
// entries about it (the actions run on it) and the entries of those plans (proposed,
// approved, finished), and of plans proposed for it that never ran.
func (s *Server) auditEvents(ctx context.Context, tl *timelineBody, id nhi.Identity) error {
	list := func(after int64, limit int) ([]nhi.AuditEntry, error) {
		return s.st.ListAudit(ctx, store.AuditFilter{AfterSeq: after, Limit: limit})
	}
	seq := func(e nhi.AuditEntry) int64 { return e.Seq }
	from, complete, err := window(list, seq)
	if err != nil {
		return err
	}
	if !complete {
		tl.Notes = append(tl.Notes, "only the newest entries of the audit trail were read")
	}
	touched, plans := map[string]bool{}, map[string][]nhi.AuditEntry{}
	var created []string
	err = readAfter(from, list, seq, func(e nhi.AuditEntry) {
		e.Detail = nil
		switch {
		case e.Target == id.ID:
			touched[e.PlanID] = true
			tl.Items = append(tl.Items, auditEvent(e))
		case e.Target == "" && e.PlanID != "":
			plans[e.PlanID] = append(plans[e.PlanID], e)
			if e.Kind == nhi.AuditPlanCreated {
				created = append(created, e.PlanID)
			}
		}
	})
	if err != nil {
		return err
	}
	if len(created) > timelinePlans {
		tl.Notes = append(tl.Notes, "only the newest plans were looked into")
		created = created[len(created)-timelinePlans:]
	}
	for _, pid := range created {
		if touched[pid] {
			continue
		}
		p, err := s.st.Plan(ctx, pid)
		switch {
		case nhi.ErrorCode(err) == nhi.CodeNotFound:
			continue
		case err != nil:
			return err
		}
		touched[pid] = slices.ContainsFunc(p.Actions, func(a nhi.Action) bool { return a.IdentityID == id.ID })
	}
	for pid, ok := range touched {
		for _, e := range plans[pid] {
			if ok {
				tl.Items = append(tl.Items, auditEvent(e))
			}
		}
	}
	return nil
}

// auditEvent is one audit entry as a timeline event.
func auditEvent(e nhi.AuditEntry) timelineEvent {
	ev := timelineEvent{At: e.Time, Kind: string(e.Kind), Title: auditTitle(e.Kind), Actor: e.Actor, PlanID: e.PlanID}
	if e.ActionID != "" {
		ev.Detail = "action " + e.ActionID
	}
	return ev
}

// auditTitle says in words what an audit entry of kind k records.
func auditTitle(k nhi.AuditKind) string {
	switch k {
	case nhi.AuditPlanCreated:
		return "Plan proposed"
	case nhi.AuditPlanApproved:
		return "Plan approved"
	case nhi.AuditPlanRejected:
		return "Plan rejected"
	case nhi.AuditPlanStarted:
		return "Plan started"
	case nhi.AuditPlanFinished:
		return "Plan finished"
	case nhi.AuditActionStarted:
		return "Action started"
	case nhi.AuditActionFinished:
		return "Action finished"
	case nhi.AuditActionSkipped:
		return "Action skipped"
	case nhi.AuditDryRun:
		return "Plan dry run"
	}
	return string(k)
}
