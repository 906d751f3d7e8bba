-- 0002_findings: the findings of the risk engine's evaluations.
-- owasp and evidence are JSON arrays of strings ("[]" when empty). severity_rank is
-- nhi.Severity.Rank, so that lists order and filter by severity with integers.
-- A finding carries a suppression (reason, author, at, until) only while its status is
-- suppressed; suppressed_until 0 means the suppression never lapses.

CREATE TABLE findings (
    id                 TEXT    PRIMARY KEY,
    signal             TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    severity           TEXT    NOT NULL,
    severity_rank      INTEGER NOT NULL,
    points             INTEGER NOT NULL,
    owasp              TEXT    NOT NULL,
    subject_kind       TEXT    NOT NULL,
    subject_id         TEXT    NOT NULL,
    platform           TEXT    NOT NULL,
    tenant             TEXT    NOT NULL,
    app_id             TEXT    NOT NULL,
    owner_id           TEXT    NOT NULL,
    evidence           TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    first_seen         INTEGER NOT NULL,
    last_seen          INTEGER NOT NULL,
    resolved_at        INTEGER NOT NULL DEFAULT 0,
    last_eval          TEXT    NOT NULL REFERENCES scans (id),
    suppressed_reason  TEXT    NOT NULL DEFAULT '',
    suppressed_by      TEXT    NOT NULL DEFAULT '',
    suppressed_at      INTEGER NOT NULL DEFAULT 0,
    suppressed_until   INTEGER NOT NULL DEFAULT 0
);
-- Lists page in (severity_rank DESC, id) order: the unfiltered list, the open list and
-- the severity, platform and tenant filters read findings_by_rank in order. The other
-- indexes serve the selective filters, whose matches are then sorted, and
-- ResolveFindings (status). Their keys repeat over many findings, so new findings, whose
-- rowids only grow, land at the end of each key's run: cheap appends, where an index
-- ending in the random finding ID (as findings_by_rank does) costs a random page per
-- finding. subject_id is random too, but lookups by subject need it.
CREATE INDEX findings_by_rank ON findings (severity_rank DESC, id);
CREATE INDEX findings_by_status ON findings (status, platform, tenant);
CREATE INDEX findings_by_signal ON findings (signal);
CREATE INDEX findings_by_app ON findings (app_id);
CREATE INDEX findings_by_subject ON findings (subject_id);
CREATE INDEX findings_by_owner ON findings (owner_id, platform, tenant);
