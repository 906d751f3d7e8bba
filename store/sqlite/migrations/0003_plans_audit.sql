-- 0003_plans_audit: remediation plans, their actions, and the append-only audit trail.
-- Plan and action times are INTEGER unix milliseconds in UTC (0 is the zero time), like
-- every other time of the store. reason, blast, scopes are JSON text.

CREATE TABLE plans (
    seq               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    reason            TEXT    NOT NULL,
    -- policy is reason.policy, for the policy filter.
    policy            TEXT    NOT NULL,
    mode              TEXT    NOT NULL,
    requires_approval INTEGER NOT NULL,
    state             TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        TEXT    NOT NULL,
    approved_by       TEXT    NOT NULL,
    approved_at       INTEGER NOT NULL,
    blast             TEXT    NOT NULL
);
-- Lists page newest first, in (created_at DESC, seq DESC) order; the state and policy
-- filters (and OpenActionKeys, by state) read their own index in that order.
CREATE INDEX plans_by_created ON plans (created_at, seq);
CREATE INDEX plans_by_state ON plans (state, created_at, seq);
CREATE INDEX plans_by_policy ON plans (policy, created_at, seq);

-- One row per action, in plan order (position from 1). action_key is nhi.Action.Key,
-- which derives from fields that never change after the plan is created.
CREATE TABLE plan_actions (
    plan_id       TEXT    NOT NULL REFERENCES plans (id),
    position      INTEGER NOT NULL,
    id            TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    platform      TEXT    NOT NULL,
    tenant        TEXT    NOT NULL,
    identity_id   TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    external_id   TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    app_id        TEXT    NOT NULL,
    owner_id      TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    credential_id TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    action_key    TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    error         TEXT    NOT NULL,
    call          TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER NOT NULL,
    verified_at   INTEGER NOT NULL,
    PRIMARY KEY (plan_id, position),
    UNIQUE (plan_id, id)
) WITHOUT ROWID;

-- The audit trail. seq is nhi.AuditEntry.Seq; time is the entry's time in UTC as
-- RFC 3339 with nanoseconds, the very string its hash covers; detail holds the bytes
-- that were sealed. Entries are never changed or deleted: the triggers refuse it, and
-- new entries must extend the chain (the next seq, the last hash as prev_hash).
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    time      TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    plan_id   TEXT    NOT NULL,
    action_id TEXT    NOT NULL,
    target    TEXT    NOT NULL,
    detail    BLOB    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX audit_by_plan ON audit_log (plan_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: they cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: they cannot be deleted');
END;

CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log)
    OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')
BEGIN
    SELECT RAISE(ABORT, 'audit entries must extend the chain: next seq, last hash');
END;
