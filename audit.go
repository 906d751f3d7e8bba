package nhi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AuditKind says what an audit entry records.
type AuditKind string

// The audit entry kinds. Every change to a tenant has an action.started entry written
// before the change and an action.finished entry written after it.
const (
	AuditPlanCreated    AuditKind = "plan.created"
	AuditPlanApproved   AuditKind = "plan.approved"
	AuditPlanRejected   AuditKind = "plan.rejected"
	AuditPlanStarted    AuditKind = "plan.started"
	AuditPlanFinished   AuditKind = "plan.finished"
	AuditActionStarted  AuditKind = "action.started"
	AuditActionFinished AuditKind = "action.finished"
	AuditActionSkipped  AuditKind = "action.skipped"
	AuditDryRun         AuditKind = "plan.dry_run"
	AuditPolicyChanged  AuditKind = "policy.changed"
)

// AuditEntry is one record of the append-only, hash-chained audit trail. The store assigns
// Seq, PrevHash and Hash when it appends the entry.
type AuditEntry struct {
	// Seq numbers the entries from 1 without gaps.
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	// Actor is the person or component that caused the entry ("alice@example.com",
	// "nhi executor").
	Actor    string    `json:"actor"`
	Kind     AuditKind `json:"kind"`
	PlanID   string    `json:"plan_id,omitempty"`
	ActionID string    `json:"action_id,omitempty"`
	// Target is what the entry is about: an identity ID, or platform/tenant/app for
	// app-wide actions.
	Target string `json:"target,omitempty"`
	// Detail is a JSON object: the before-state, the action, its result.
	Detail json.RawMessage `json:"detail,omitempty"`
	// PrevHash is the Hash of entry Seq-1 ("" for the first entry).
	PrevHash string `json:"prev_hash"`
	// Hash is the SHA-256 (hex) of the entry's other fields and PrevHash.
	Hash string `json:"hash"`
}

// ComputeHash returns the hash e must carry: SHA-256 over a canonical encoding of every
// field but Hash (times in UTC with nanoseconds, Detail as stored bytes).
func (e AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, s := range []string{
		strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), e.Actor,
		string(e.Kind), e.PlanID, e.ActionID, e.Target, string(e.Detail), e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets Seq, PrevHash and Hash of e as the entry that follows prev (the zero
// AuditEntry when e is the first).
func (e AuditEntry) Seal(prev AuditEntry) AuditEntry {
	e.Seq = prev.Seq + 1
	e.PrevHash = prev.Hash
	e.Hash = e.ComputeHash()
	return e
}

// ChainError says where an audit chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

// Error implements error.
func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// CheckLink reports whether e correctly follows prev (the zero AuditEntry for the first
// entry): consecutive Seq, PrevHash equal to prev's Hash, and a Hash that matches the
// entry's contents. It returns a *ChainError when not.
func CheckLink(prev, e AuditEntry) error {
	switch {
	case e.Seq != prev.Seq+1:
		return &ChainError{e.Seq, fmt.Sprintf("sequence jumps from %d", prev.Seq)}
	case e.PrevHash != prev.Hash:
		return &ChainError{e.Seq, "previous hash does not match the previous entry"}
	case e.Hash != e.ComputeHash():
		return &ChainError{e.Seq, "hash does not match the entry's contents"}
	}
	return nil
}

// randomID returns 16 random base-32 characters.
func randomID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return idEncoding.EncodeToString(b[:])
}
