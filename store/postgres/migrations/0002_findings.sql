-- 0002_findings: the findings of the risk engine's evaluations.
-- owasp and evidence are jsonb arrays of strings ('[]' when empty). severity_rank is
-- nhi.Severity.Rank, so that lists order and filter by severity with integers.
-- A finding carries a suppression (reason, author, at, until) only while its status is
-- suppressed; suppressed_until 0 means the suppression never lapses.

CREATE TABLE findings (
    id                 TEXT    COLLATE "C" PRIMARY KEY,
    signal             TEXT    COLLATE "C" NOT NULL,
    title              TEXT    NOT NULL,
    severity           TEXT    NOT NULL,
    severity_rank      INTEGER NOT NULL,
    points             INTEGER NOT NULL,
    owasp              JSONB   NOT NULL,
    subject_kind       TEXT    COLLATE "C" NOT NULL,
    subject_id         TEXT    COLLATE "C" NOT NULL,
    platform           TEXT    COLLATE "C" NOT NULL,
    tenant             TEXT    COLLATE "C" NOT NULL,
    app_id             TEXT    COLLATE "C" NOT NULL,
    owner_id           TEXT    COLLATE "C" NOT NULL,
    evidence           JSONB   NOT NULL,
    status             TEXT    COLLATE "C" NOT NULL,
    first_seen         BIGINT  NOT NULL,
    last_seen          BIGINT  NOT NULL,
    resolved_at        BIGINT  NOT NULL DEFAULT 0,
    last_eval          TEXT    COLLATE "C" NOT NULL REFERENCES scans (id),
    suppressed_reason  TEXT    NOT NULL DEFAULT '',
    suppressed_by      TEXT    NOT NULL DEFAULT '',
    suppressed_at      BIGINT  NOT NULL DEFAULT 0,
    suppressed_until   BIGINT  NOT NULL DEFAULT 0
);
-- Lists page in (severity_rank DESC, id) order; the other indexes serve the selective
-- filters and ResolveFindings (status).
CREATE INDEX findings_by_rank ON findings (severity_rank DESC, id);
CREATE INDEX findings_by_status ON findings (status, platform, tenant);
CREATE INDEX findings_by_signal ON findings (signal);
CREATE INDEX findings_by_app ON findings (app_id);
CREATE INDEX findings_by_subject ON findings (subject_id);
CREATE INDEX findings_by_owner ON findings (owner_id, platform, tenant);
