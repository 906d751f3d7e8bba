-- 0003_plans_audit: remediation plans, their actions, and the append-only audit trail.
-- Plan and action times are BIGINT unix milliseconds in UTC (0 is the zero time), like
-- every other time of the store. reason, blast and scopes are jsonb.

CREATE TABLE plans (
    seq               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                TEXT    COLLATE "C" NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    reason            JSONB   NOT NULL,
    -- policy is reason.policy, for the policy filter.
    policy            TEXT    COLLATE "C" NOT NULL,
    mode              TEXT    COLLATE "C" NOT NULL,
    requires_approval BOOLEAN NOT NULL,
    state             TEXT    COLLATE "C" NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    created_by        TEXT    NOT NULL,
    approved_by       TEXT    NOT NULL,
    approved_at       BIGINT  NOT NULL,
    blast             JSONB   NOT NULL
);
-- Lists page newest first, in (created_at DESC, seq DESC) order.
CREATE INDEX plans_by_created ON plans (created_at, seq);
CREATE INDEX plans_by_state ON plans (state, created_at, seq);
CREATE INDEX plans_by_policy ON plans (policy, created_at, seq);

-- One row per action, in plan order (position from 1). action_key is nhi.Action.Key,
-- which derives from fields that never change after the plan is created.
CREATE TABLE plan_actions (
    plan_id       TEXT    COLLATE "C" NOT NULL REFERENCES plans (id),
    position      INTEGER NOT NULL,
    id            TEXT    COLLATE "C" NOT NULL,
    type          TEXT    NOT NULL,
    platform      TEXT    NOT NULL,
    tenant        TEXT    NOT NULL,
    identity_id   TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    external_id   TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    app_id        TEXT    NOT NULL,
    owner_id      TEXT    NOT NULL,
    scopes        JSONB   NOT NULL,
    credential_id TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    reason        JSONB   NOT NULL,
    action_key    TEXT    NOT NULL,
    state         TEXT    COLLATE "C" NOT NULL,
    error         TEXT    NOT NULL,
    call          TEXT    NOT NULL,
    attempts      INTEGER NOT NULL,
    started_at    BIGINT  NOT NULL,
    finished_at   BIGINT  NOT NULL,
    verified_at   BIGINT  NOT NULL,
    PRIMARY KEY (plan_id, position),
    UNIQUE (plan_id, id)
);

-- The audit trail. seq is nhi.AuditEntry.Seq; time is the entry's time in UTC as
-- RFC 3339 with nanoseconds, the very string its hash covers; detail holds the bytes
-- that were sealed (bytea, not jsonb, which would not keep them). Entries are never
-- changed or deleted: the triggers refuse it, and new entries must extend the chain (the
-- next seq, the last hash as prev_hash). The insert trigger takes the advisory lock that
-- AppendAudit takes, so that concurrent inserts see each other's entries.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    time      TEXT   NOT NULL,
    actor     TEXT   NOT NULL,
    kind      TEXT   NOT NULL,
    plan_id   TEXT   COLLATE "C" NOT NULL,
    action_id TEXT   NOT NULL,
    target    TEXT   NOT NULL,
    detail    BYTEA  NOT NULL,
    prev_hash TEXT   NOT NULL,
    hash      TEXT   NOT NULL
);
CREATE INDEX audit_by_plan ON audit_log (plan_id, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit entries are append-only: they cannot be changed';
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: they cannot be deleted';
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_log_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  BIGINT;
    last_hash TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(1852336705); -- auditLock in migrate.go
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NEW.seq IS DISTINCT FROM COALESCE(last_seq, 0) + 1
        OR NEW.prev_hash IS DISTINCT FROM COALESCE(last_hash, '') THEN
        RAISE EXCEPTION 'audit entries must extend the chain: next seq, last hash';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_extends_chain();
