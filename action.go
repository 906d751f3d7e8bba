package nhi

import (
	"slices"
	"time"
)

// ActionType names one change nhi can make to a tenant, or one message it can send.
type ActionType string

// The action types. Each connector that implements connector.Remediator says which of
// them it supports for which kind of identity.
const (
	// ActionRevokeGrant removes one grant: one user's OAuth token to one app.
	ActionRevokeGrant ActionType = "revoke_grant"
	// ActionRevokeAppGrants removes every grant of one app across the tenant's users,
	// including grants given since the last scan.
	ActionRevokeAppGrants ActionType = "revoke_app_grants"
	// ActionReduceScope removes some permissions (Action.Scopes) and keeps the rest.
	ActionReduceScope ActionType = "reduce_scope"
	// ActionDisableIdentity disables an identity without deleting it (a service account,
	// a bot user), so that it can be re-enabled.
	ActionDisableIdentity ActionType = "disable_identity"
	// ActionRemoveCredential deletes one credential (Action.CredentialID) of an identity.
	ActionRemoveCredential ActionType = "remove_credential"
	// ActionUninstallApp uninstalls or disconnects an app from the tenant.
	ActionUninstallApp ActionType = "uninstall_app"
	// ActionNotifyOwner asks the identity's owner to justify or rotate it; it changes
	// nothing in the tenant.
	ActionNotifyOwner ActionType = "notify_owner"
)

// ActionTypes returns every action type.
func ActionTypes() []ActionType {
	return []ActionType{ActionRevokeGrant, ActionRevokeAppGrants, ActionReduceScope,
		ActionDisableIdentity, ActionRemoveCredential, ActionUninstallApp, ActionNotifyOwner}
}

// Valid reports whether t is a known action type.
func (t ActionType) Valid() bool { return slices.Contains(ActionTypes(), t) }

// ChangesTenant reports whether an action of type t changes the tenant (everything but a
// notification does).
func (t ActionType) ChangesTenant() bool { return t.Valid() && t != ActionNotifyOwner }

// ActionState is where one action of a plan stands.
type ActionState string

// The action states.
const (
	// ActionPending has not run yet (or ran only as a dry run).
	ActionPending ActionState = "pending"
	// ActionDone ran and was verified: the access is gone (or the message was sent).
	ActionDone ActionState = "done"
	// ActionFailed ran and failed, or ran and the access was still there on re-reading
	// the platform; Action.Error says which.
	ActionFailed ActionState = "failed"
	// ActionSkipped was refused by a guard (nhi's own identity, no connector can act on
	// it); Action.Error says why.
	ActionSkipped ActionState = "skipped"
)

// ReasonKind says who or what asked for a plan or an action.
type ReasonKind string

// The reason kinds.
const (
	ReasonPolicy  ReasonKind = "policy"
	ReasonFinding ReasonKind = "finding"
	ReasonPerson  ReasonKind = "person"
)

// Reason says why an action is proposed.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Policy is the policy's name (ReasonPolicy).
	Policy string `json:"policy,omitempty"`
	// FindingID is the finding acted on (ReasonFinding), or the findings the policy saw.
	FindingID string `json:"finding_id,omitempty"`
	// Person is who asked (ReasonPerson).
	Person string `json:"person,omitempty"`
	// Text explains the reason to a reader.
	Text string `json:"text,omitempty"`
}

// Action is one step of a plan: one change to one tenant (or one notification).
type Action struct {
	// ID identifies the action within its plan ("1", "2", ...).
	ID       string     `json:"id"`
	Type     ActionType `json:"type"`
	Platform Platform   `json:"platform"`
	Tenant   string     `json:"tenant"`
	// IdentityID is the nhi ID of the identity acted on; empty for app-wide actions.
	IdentityID string `json:"identity_id,omitempty"`
	// Kind and ExternalID are the identity's kind and platform ID.
	Kind       Kind   `json:"kind,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	// Name is the identity's or app's display name, for a reader (untrusted text).
	Name    string `json:"name,omitempty"`
	AppID   string `json:"app_id,omitempty"`
	OwnerID string `json:"owner_id,omitempty"`
	// Scopes are the permissions ActionReduceScope removes.
	Scopes []string `json:"scopes,omitempty"`
	// CredentialID is the credential ActionRemoveCredential deletes.
	CredentialID string `json:"credential_id,omitempty"`
	// Message is what ActionNotifyOwner sends.
	Message string `json:"message,omitempty"`
	Reason  Reason `json:"reason"`

	State ActionState `json:"state"`
	// Error says why the action failed or was skipped.
	Error string `json:"error,omitempty"`
	// Call is the documented API call the connector made ("DELETE .../tokens/{clientId}").
	Call string `json:"call,omitempty"`
	// Attempts counts the runs of the action that reached the platform.
	Attempts   int       `json:"attempts,omitempty"`
	StartedAt  time.Time `json:"started_at,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// VerifiedAt is when re-reading the platform showed the access gone; VerifiedAt minus
	// the plan's approval (or the action's start, without approval) is the time to contain.
	VerifiedAt time.Time `json:"verified_at,omitzero"`
}

// Key identifies what an action does, so that the same change is not proposed twice.
func (a Action) Key() string {
	target := a.IdentityID
	if target == "" {
		target = string(a.Platform) + "/" + a.Tenant + "/app/" + a.AppID
	}
	return string(a.Type) + ":" + target + ":" + a.CredentialID
}

// PlanState is where a plan stands.
type PlanState string

// The plan states. A plan moves proposed -> approved -> running -> done, failed or
// partial; a failed or partial plan can run again (approved -> running).
const (
	PlanProposed PlanState = "proposed"
	PlanApproved PlanState = "approved"
	PlanRunning  PlanState = "running"
	PlanDone     PlanState = "done"
	PlanFailed   PlanState = "failed"
	// PlanPartial ran some actions and failed others; a rerun picks up what is left.
	PlanPartial PlanState = "partial"
	// PlanRejected was turned down by a person; it never runs.
	PlanRejected PlanState = "rejected"
)

// PlanStates returns every plan state.
func PlanStates() []PlanState {
	return []PlanState{PlanProposed, PlanApproved, PlanRunning, PlanDone, PlanFailed, PlanPartial, PlanRejected}
}

// Valid reports whether s is a known plan state.
func (s PlanState) Valid() bool { return slices.Contains(PlanStates(), s) }

// PlanMode says what a plan may do.
type PlanMode string

// The plan modes.
const (
	// ModeDryRun plans can only be previewed: applying them changes nothing.
	ModeDryRun PlanMode = "dry_run"
	// ModeEnforce plans change tenants once approved and applied with --execute.
	ModeEnforce PlanMode = "enforce"
)

// BlastRadius says what a plan touches.
type BlastRadius struct {
	Actions    int        `json:"actions"`
	Identities int        `json:"identities"`
	People     int        `json:"people"`
	Apps       int        `json:"apps"`
	Platforms  []Platform `json:"platforms,omitempty"`
}

// Plan is a list of actions with their reason, approval and progress.
type Plan struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Reason Reason   `json:"reason"`
	Mode   PlanMode `json:"mode"`
	// RequiresApproval says a person must approve the plan before it runs.
	RequiresApproval bool        `json:"requires_approval"`
	State            PlanState   `json:"state"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	CreatedBy        string      `json:"created_by,omitempty"`
	ApprovedBy       string      `json:"approved_by,omitempty"`
	ApprovedAt       time.Time   `json:"approved_at,omitzero"`
	Blast            BlastRadius `json:"blast_radius"`
	// Actions are the plan's steps, in order. Lists of plans leave them out.
	Actions []Action `json:"actions,omitempty"`
}

// NewPlanID returns a new random plan ID ("pln_" and 16 base-32 characters).
func NewPlanID() string { return "pln_" + randomID() }
