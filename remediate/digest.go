package remediate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// Digest returns the SHA-256 (hex) of what a plan's actions do: their targets and
// parameters, not their progress. The audit trail records it when a plan is created and
// approved, and Apply refuses a plan whose actions no longer match the approved digest.
func Digest(actions []nhi.Action) string {
	h := sha256.New()
	for _, a := range actions {
		for _, s := range []string{a.ID, string(a.Type), string(a.Platform), a.Tenant, a.IdentityID,
			string(a.Kind), a.ExternalID, a.AppID, a.OwnerID, strings.Join(a.Scopes, " "), a.CredentialID, a.Message} {
			fmt.Fprintf(h, "%d:%s;", len(s), s)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkApproved refuses to run a plan whose actions differ from those the latest
// approval in the audit trail covered.
func (x *Executor) checkApproved(ctx context.Context, p nhi.Plan) error {
	approved := ""
	f := store.AuditFilter{PlanID: p.ID, Limit: store.MaxLimit}
	for {
		page, err := x.Store.ListAudit(ctx, f)
		if err != nil {
			return fmt.Errorf("apply: reading the plan's approval: %w", err)
		}
		for _, e := range page {
			if e.Kind == nhi.AuditPlanApproved {
				var d struct {
					Digest string `json:"actions_digest"`
				}
				if json.Unmarshal(e.Detail, &d) == nil {
					approved = d.Digest
				}
			}
			f.AfterSeq = e.Seq
		}
		if len(page) < f.Limit {
			break
		}
	}
	switch {
	case approved == "":
		return nhi.Errorf(nhi.CodeConflict, "plan %s has no approval in the audit trail; approve it with nhi plan approve %s", p.ID, p.ID)
	case approved != Digest(p.Actions):
		return nhi.Errorf(nhi.CodeConflict, "plan %s: its actions changed after they were approved; nothing was run (review it and approve it again)", p.ID)
	}
	return nil
}
