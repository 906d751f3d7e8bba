-- 0001_init: the inventory, the scans that built it and the connectors' cursors.
-- Timestamps are INTEGER unix milliseconds in UTC; 0 is the zero time.
-- permissions, credentials, attributes, counts and errors are JSON text.

CREATE TABLE scans (
    seq         INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    connector   TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    tenant      TEXT    NOT NULL,
    full        INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL,
    counts      TEXT    NOT NULL DEFAULT '{}',
    errors      TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX scans_by_start ON scans (started_at, seq);
CREATE INDEX scans_by_connector ON scans (connector, started_at, seq);

CREATE TABLE people (
    platform       TEXT    NOT NULL,
    tenant         TEXT    NOT NULL,
    external_id    TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    -- email_key is the email lowercased by nhi, for case-insensitive owner lookups.
    email_key      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    is_admin       INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    last_login     INTEGER NOT NULL,
    org_unit       TEXT    NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    gone_at        INTEGER NOT NULL DEFAULT 0,
    last_seen_scan TEXT    NOT NULL REFERENCES scans (id),
    PRIMARY KEY (platform, tenant, external_id)
);
CREATE INDEX people_by_email ON people (email_key);

CREATE TABLE apps (
    platform       TEXT    NOT NULL,
    tenant         TEXT    NOT NULL,
    external_id    TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    vendor         TEXT    NOT NULL,
    anonymous      INTEGER NOT NULL,
    native         INTEGER NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    last_seen_scan TEXT    NOT NULL REFERENCES scans (id),
    PRIMARY KEY (platform, tenant, external_id)
);
CREATE INDEX apps_by_name ON apps (name, platform, tenant, external_id);

CREATE TABLE identities (
    id             TEXT    PRIMARY KEY,
    platform       TEXT    NOT NULL,
    tenant         TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    external_id    TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    app_id         TEXT    NOT NULL,
    owner_id       TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    permissions    TEXT    NOT NULL,
    credentials    TEXT    NOT NULL,
    attributes     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    gone_at        INTEGER NOT NULL DEFAULT 0,
    last_seen_scan TEXT    NOT NULL REFERENCES scans (id)
);
-- Every index slows the upserts of a scan down by roughly a fifth, so there are only
-- these: scope for MarkGone (and the platform and tenant filters), app for the app
-- filter and the app aggregates, owner for the owner filter. Lists page in ID order, so
-- unselective filters (kind, status, last used) read the primary key in order and
-- filter. Identity IDs derive from (platform, tenant, kind, external_id), so the primary
-- key keeps that unique too. last_seen_scan is not indexed: scans are never deleted.
CREATE INDEX identities_by_scope ON identities (platform, tenant, scope);
CREATE INDEX identities_by_app ON identities (app_id, platform, tenant);
CREATE INDEX identities_by_owner ON identities (owner_id, platform, tenant);

CREATE TABLE connector_cursors (
    connector  TEXT    PRIMARY KEY,
    cursor     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
