-- 0001_init: the inventory, the scans that built it and the connectors' cursors.
-- Timestamps are BIGINT unix milliseconds in UTC; 0 is the zero time (as in store/sqlite,
-- so that "unknown" is a value the upserts compare, not a NULL).
-- permissions, credentials, attributes, counts and errors are jsonb.
-- Text that lists order by or page over is COLLATE "C": lists order text byte-wise.

CREATE TABLE scans (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT    COLLATE "C" NOT NULL UNIQUE,
    connector   TEXT    COLLATE "C" NOT NULL,
    platform    TEXT    COLLATE "C" NOT NULL,
    tenant      TEXT    COLLATE "C" NOT NULL,
    "full"      BOOLEAN NOT NULL,
    started_at  BIGINT  NOT NULL,
    finished_at BIGINT  NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL,
    counts      JSONB   NOT NULL DEFAULT '{}',
    errors      JSONB   NOT NULL DEFAULT '[]'
);
CREATE INDEX scans_by_start ON scans (started_at, seq);
CREATE INDEX scans_by_connector ON scans (connector, started_at, seq);
-- The drift triggers ask whether a tenant was scanned before.
CREATE INDEX scans_by_tenant ON scans (platform, tenant);

CREATE TABLE people (
    platform       TEXT    COLLATE "C" NOT NULL,
    tenant         TEXT    COLLATE "C" NOT NULL,
    external_id    TEXT    COLLATE "C" NOT NULL,
    email          TEXT    NOT NULL,
    -- email_key is the email lowercased by nhi, for case-insensitive owner lookups.
    email_key      TEXT    COLLATE "C" NOT NULL,
    name           TEXT    NOT NULL,
    status         TEXT    COLLATE "C" NOT NULL,
    is_admin       BOOLEAN NOT NULL,
    created_at     BIGINT  NOT NULL,
    last_login     BIGINT  NOT NULL,
    org_unit       TEXT    NOT NULL,
    first_seen     BIGINT  NOT NULL,
    last_seen      BIGINT  NOT NULL,
    gone_at        BIGINT  NOT NULL DEFAULT 0,
    last_seen_scan TEXT    COLLATE "C" NOT NULL REFERENCES scans (id),
    PRIMARY KEY (platform, tenant, external_id)
);
CREATE INDEX people_by_email ON people (email_key);

CREATE TABLE apps (
    platform       TEXT    COLLATE "C" NOT NULL,
    tenant         TEXT    COLLATE "C" NOT NULL,
    external_id    TEXT    COLLATE "C" NOT NULL,
    name           TEXT    COLLATE "C" NOT NULL,
    vendor         TEXT    NOT NULL,
    anonymous      BOOLEAN NOT NULL,
    native         BOOLEAN NOT NULL,
    first_seen     BIGINT  NOT NULL,
    last_seen      BIGINT  NOT NULL,
    last_seen_scan TEXT    COLLATE "C" NOT NULL REFERENCES scans (id),
    PRIMARY KEY (platform, tenant, external_id)
);
CREATE INDEX apps_by_name ON apps (name, platform, tenant, external_id);

CREATE TABLE identities (
    id             TEXT    COLLATE "C" PRIMARY KEY,
    platform       TEXT    COLLATE "C" NOT NULL,
    tenant         TEXT    COLLATE "C" NOT NULL,
    kind           TEXT    COLLATE "C" NOT NULL,
    external_id    TEXT    COLLATE "C" NOT NULL,
    name           TEXT    NOT NULL,
    app_id         TEXT    COLLATE "C" NOT NULL,
    owner_id       TEXT    COLLATE "C" NOT NULL,
    scope          TEXT    COLLATE "C" NOT NULL,
    permissions    JSONB   NOT NULL,
    credentials    JSONB   NOT NULL,
    attributes     JSONB   NOT NULL,
    created_at     BIGINT  NOT NULL,
    last_used_at   BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL,
    first_seen     BIGINT  NOT NULL,
    last_seen      BIGINT  NOT NULL,
    gone_at        BIGINT  NOT NULL DEFAULT 0,
    last_seen_scan TEXT    COLLATE "C" NOT NULL REFERENCES scans (id)
);
-- The same few indexes as store/sqlite: scope for MarkGone (and the platform and tenant
-- filters), app for the app filter and aggregates, owner for the owner filter. Lists page
-- in ID order. last_seen_scan is not indexed: scans are never deleted.
CREATE INDEX identities_by_scope ON identities (platform, tenant, scope);
CREATE INDEX identities_by_app ON identities (app_id, platform, tenant);
CREATE INDEX identities_by_owner ON identities (owner_id, platform, tenant);

CREATE TABLE connector_cursors (
    connector  TEXT   COLLATE "C" PRIMARY KEY,
    cursor     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
