package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/scan"
)

// The bounds of one policy preview: it stops after previewIdentities identities or
// previewBudget, whichever comes first, and shows at most previewSample proposals of each
// policy and action. At most previewSlots previews run at once.
const (
	previewIdentities = 50_000
	previewBudget     = 10 * time.Second
	previewSample     = 20
	previewSlots      = 2
)

// policyItem is one policy the server evaluates, as written.
type policyItem struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	OWASP       []string        `json:"owasp"`
	When        string          `json:"when"`
	Then        []policyActItem `json:"then"`
	Mode        policy.Mode     `json:"mode"`
	Approval    policy.Approval `json:"approval"`
	Severity    nhi.Severity    `json:"severity"`
}

// policyActItem is one action of a policy's then list with its parameters (CEL
// expressions, or the message template).
type policyActItem struct {
	Type        nhi.ActionType `json:"type"`
	Scopes      string         `json:"scopes,omitempty"`
	Credentials string         `json:"credentials,omitempty"`
	Message     string         `json:"message,omitempty"`
}

// listPolicies lists the policies the server's scans evaluate; none when it has none.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	items := []policyItem{}
	if s.cfg.Policies != nil {
		for _, p := range s.cfg.Policies.Policies() {
			it := policyItem{Name: p.Name, Description: p.Description, OWASP: nonNil(p.OWASP), When: p.When,
				Then: []policyActItem{}, Mode: p.Mode, Approval: p.Approval, Severity: p.Severity}
			for _, a := range p.Then {
				it.Then = append(it.Then, policyActItem{Type: a.Type, Scopes: a.Scopes, Credentials: a.Credentials, Message: a.Message})
			}
			items = append(items, it)
		}
	}
	writeList(w, items, "")
	return nil
}

// previewRequest is the body of POST /api/v1/policies/preview; every field is optional.
type previewRequest struct {
	// Policy names the one policy to preview; empty previews them all.
	Policy string `json:"policy"`
	// MaxIdentities lowers the bound on the identities evaluated.
	MaxIdentities int `json:"max_identities"`
}

// previewBody is the answer of a preview: per policy and action the count and the first
// proposals, the failures, and how far the preview got.
type previewBody struct {
	Counts   []previewCount     `json:"counts"`
	Failures []scan.PolicyCount `json:"failures"`
	// Identities counts the identities evaluated; Accepted the proposals left out
	// because a person accepted the risk.
	Identities int `json:"identities"`
	Accepted   int `json:"accepted"`
	// Complete says every present identity was evaluated; otherwise Stopped says why
	// not (scan.StoppedIdentities or scan.StoppedTime) and Message says so in words.
	Complete bool              `json:"complete"`
	Stopped  string            `json:"stopped,omitempty"`
	Message  string            `json:"message"`
	Bounds   previewBoundsBody `json:"bounds"`
}

// previewBoundsBody says where a preview stops.
type previewBoundsBody struct {
	MaxIdentities int `json:"max_identities"`
	BudgetSeconds int `json:"budget_seconds"`
	Sample        int `json:"sample"`
}

// previewCount is one policy and action: how many proposals and identities, and the
// first proposals.
type previewCount struct {
	Policy        string           `json:"policy"`
	Action        nhi.ActionType   `json:"action"`
	Count         int              `json:"count"`
	IdentityCount int              `json:"identity_count"`
	Proposals     []previewExample `json:"proposals"`
}

// previewExample is one proposal of a preview: the identity (or app) and the action.
type previewExample struct {
	IdentityID string         `json:"identity_id,omitempty"`
	AppID      string         `json:"app_id,omitempty"`
	Name       string         `json:"name"`
	Action     nhi.ActionType `json:"action"`
	Detail     []string       `json:"scopes,omitempty"`
}

// previewPolicies dry-runs the policies (or one) against the stored inventory. It reads
// only, so it is not audited; it is bounded in identities, time and runs at once.
func (s *Server) previewPolicies(w http.ResponseWriter, r *http.Request, _ *principal) error {
	var in previewRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	if in.MaxIdentities < 0 {
		return nhi.Errorf(nhi.CodeInvalid, "max_identities must not be negative")
	}
	if s.cfg.Policies == nil {
		return nhi.Errorf(nhi.CodeNotFound, "this server evaluates no policies, so there is nothing to preview")
	}
	select {
	case s.previews <- struct{}{}:
		defer func() { <-s.previews }()
	default:
		return &httpError{status: http.StatusTooManyRequests, code: nhi.CodeRateLimited,
			msg: "other policy previews are running; try again shortly", retryAfter: time.Second}
	}
	o := scan.PreviewOptions{Policy: in.Policy, MaxIdentities: previewIdentities, Budget: previewBudget,
		Sample: previewSample, Now: s.now()}
	if in.MaxIdentities > 0 {
		o.MaxIdentities = min(in.MaxIdentities, previewIdentities)
	}
	p, err := scan.PreviewPolicies(r.Context(), s.st, s.cfg.Policies, o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, previewOf(p, o))
	return nil
}

// previewOf groups a preview's sampled proposals under their policy and action.
func previewOf(p *scan.Preview, o scan.PreviewOptions) previewBody {
	body := previewBody{Counts: []previewCount{}, Failures: nonNil(p.Failures), Identities: p.Identities,
		Accepted: p.Accepted, Complete: p.Stopped == "", Stopped: p.Stopped,
		Bounds: previewBoundsBody{MaxIdentities: o.MaxIdentities, BudgetSeconds: int(o.Budget / time.Second), Sample: o.Sample}}
	at := map[[2]string]int{}
	for _, c := range p.Counts {
		at[[2]string{c.Policy, string(c.Action)}] = len(body.Counts)
		body.Counts = append(body.Counts, previewCount{Policy: c.Policy, Action: c.Action, Count: c.Count,
			IdentityCount: c.IdentityCount, Proposals: []previewExample{}})
	}
	for _, pr := range p.Proposals {
		i, ok := at[[2]string{pr.Policy, string(pr.Action.Type)}]
		if !ok {
			continue
		}
		a := pr.Action
		body.Counts[i].Proposals = append(body.Counts[i].Proposals, previewExample{IdentityID: a.IdentityID,
			AppID: a.AppID, Name: a.Name, Action: a.Type, Detail: a.Scopes})
	}
	switch p.Stopped {
	case scan.StoppedIdentities:
		body.Message = fmt.Sprintf("stopped after %d identities: the counts cover only those", p.Identities)
	case scan.StoppedTime:
		body.Message = fmt.Sprintf("stopped after %d identities, at the time budget of %s: the counts cover only those", p.Identities, o.Budget)
	default:
		body.Message = fmt.Sprintf("evaluated all %d present identities", p.Identities)
	}
	return body
}
