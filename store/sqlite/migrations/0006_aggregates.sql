-- 0006_aggregates: the figures of the whole inventory that the dashboard and the apps list
-- show, kept up to date in the same transaction as the writes that change them, so that
-- reading them costs a few rows instead of a pass over every identity and finding.
--
-- Every table counts present identities (gone_at = 0) or open findings. A row whose count
-- falls to zero stays (readers skip it). An identity leaves the counts when it goes or
-- when what they count of it (app, owner, permissions) changes, and enters them again as
-- it now is; identities and findings are never deleted.
--
-- Identities: a trigger appends each such change to aggregate_log (one cheap append per
-- changed row), and PutIdentities and MarkGone fold the log into the counts with a few
-- set-based statements before they commit (store/sqlite/totals.go): an upsert per row of
-- every count from a trigger made new identities insert at 40% of their rate, the fold
-- costs a fraction of that.

-- aggregate_log holds the identities that entered (sign 1) or left (sign -1) the counts
-- since the last fold; it is empty between transactions.
CREATE TABLE aggregate_log (
    sign        INTEGER NOT NULL,
    platform    TEXT    NOT NULL,
    tenant      TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    app_id      TEXT    NOT NULL,
    owner_id    TEXT    NOT NULL,
    permissions TEXT    NOT NULL
);

-- kind_totals counts present identities per platform, tenant and kind (store.Counts).
CREATE TABLE kind_totals (
    platform TEXT    NOT NULL,
    tenant   TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (platform, tenant, kind)
) WITHOUT ROWID;

-- app_totals holds the aggregates of an app's present identities: how many there are and
-- how many distinct owners (users) they have. The fold finds whether an owner joined or left
-- an app by counting the owner's present identities of the app in identities_by_owner,
-- which now ends with app_id and gone_at so that the count reads the index alone.
-- app_scopes counts the permissions of each scope, for App.Scopes.
CREATE TABLE app_totals (
    platform   TEXT    NOT NULL,
    tenant     TEXT    NOT NULL,
    app_id     TEXT    NOT NULL,
    users      INTEGER NOT NULL,
    identities INTEGER NOT NULL,
    PRIMARY KEY (platform, tenant, app_id)
) WITHOUT ROWID;
CREATE TABLE app_scopes (
    platform TEXT    NOT NULL,
    tenant   TEXT    NOT NULL,
    app_id   TEXT    NOT NULL,
    scope    TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (platform, tenant, app_id, scope)
) WITHOUT ROWID;
DROP INDEX identities_by_owner;
CREATE INDEX identities_by_owner ON identities (owner_id, platform, tenant, app_id, gone_at);

-- expiries holds when each credential of a present identity expires, or the identity
-- itself when it has no credentials; unknown and never-expiring ones are left out.
-- Credentials' times are RFC 3339 text in the JSON; julianday parses them.
CREATE TABLE expiries (
    identity_id   TEXT    NOT NULL,
    credential_id TEXT    NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX expiries_by_identity ON expiries (identity_id);
CREATE INDEX expiries_by_time ON expiries (expires_at, identity_id, credential_id);

-- finding_totals counts open findings and sums their points per app and severity.
CREATE TABLE finding_totals (
    platform TEXT    NOT NULL,
    tenant   TEXT    NOT NULL,
    app_id   TEXT    NOT NULL,
    severity TEXT    NOT NULL,
    findings INTEGER NOT NULL,
    points   INTEGER NOT NULL,
    PRIMARY KEY (platform, tenant, app_id, severity)
) WITHOUT ROWID;

-- The backfill of a database that has an inventory already.
INSERT INTO kind_totals (platform, tenant, kind, n)
SELECT platform, tenant, kind, COUNT(*) FROM identities WHERE gone_at = 0 GROUP BY 1, 2, 3;
INSERT INTO app_totals (platform, tenant, app_id, users, identities)
SELECT platform, tenant, app_id, COUNT(DISTINCT NULLIF(owner_id, '')), COUNT(*)
FROM identities WHERE gone_at = 0 AND app_id <> '' GROUP BY 1, 2, 3;
INSERT INTO app_scopes (platform, tenant, app_id, scope, n)
SELECT i.platform, i.tenant, i.app_id, json_extract(p.value, '$.scope'), COUNT(*)
FROM identities i, json_each(i.permissions) p
WHERE i.gone_at = 0 AND i.app_id <> '' AND json_extract(p.value, '$.scope') IS NOT NULL
GROUP BY 1, 2, 3, 4;
INSERT INTO expiries (identity_id, credential_id, expires_at)
SELECT i.id, COALESCE(json_extract(c.value, '$.id'), ''),
    CAST(ROUND((julianday(json_extract(c.value, '$.expires_at')) - 2440587.5) * 86400000.0) AS INTEGER)
FROM identities i, json_each(i.credentials) c
WHERE i.gone_at = 0 AND json_extract(c.value, '$.expires_at') IS NOT NULL;
INSERT INTO expiries (identity_id, credential_id, expires_at)
SELECT id, '', expires_at FROM identities
WHERE gone_at = 0 AND expires_at <> 0 AND json_array_length(credentials) = 0;
INSERT INTO finding_totals (platform, tenant, app_id, severity, findings, points)
SELECT platform, tenant, app_id, severity, COUNT(*), SUM(points)
FROM findings WHERE status = 'open' GROUP BY 1, 2, 3, 4;

-- Identities. Most rows of most scans change nothing the counts hold: the WHEN clauses
-- skip them without running the bodies.
CREATE TRIGGER aggregates_identity_inserted AFTER INSERT ON identities WHEN NEW.gone_at = 0
BEGIN
    INSERT INTO aggregate_log (sign, platform, tenant, kind, app_id, owner_id, permissions)
    VALUES (1, NEW.platform, NEW.tenant, NEW.kind, NEW.app_id, NEW.owner_id, NEW.permissions);
    INSERT INTO expiries (identity_id, credential_id, expires_at)
    SELECT NEW.id, COALESCE(json_extract(value, '$.id'), ''),
        CAST(ROUND((julianday(json_extract(value, '$.expires_at')) - 2440587.5) * 86400000.0) AS INTEGER)
    FROM json_each(NEW.credentials) WHERE json_extract(value, '$.expires_at') IS NOT NULL;
    INSERT INTO expiries (identity_id, credential_id, expires_at)
    SELECT NEW.id, '', NEW.expires_at WHERE NEW.expires_at <> 0 AND json_array_length(NEW.credentials) = 0;
END;

CREATE TRIGGER aggregates_identity_changed AFTER UPDATE OF gone_at, app_id, owner_id, permissions ON identities
WHEN OLD.gone_at <> NEW.gone_at OR (NEW.gone_at = 0 AND (OLD.app_id <> NEW.app_id
    OR OLD.owner_id <> NEW.owner_id OR OLD.permissions <> NEW.permissions))
BEGIN
    INSERT INTO aggregate_log (sign, platform, tenant, kind, app_id, owner_id, permissions)
    SELECT -1, OLD.platform, OLD.tenant, OLD.kind, OLD.app_id, OLD.owner_id, OLD.permissions WHERE OLD.gone_at = 0
    UNION ALL
    SELECT 1, NEW.platform, NEW.tenant, NEW.kind, NEW.app_id, NEW.owner_id, NEW.permissions WHERE NEW.gone_at = 0;
END;

-- The expiries of an identity are rewritten when its credentials, its expiry or its
-- presence change (credentials change with their last-use times too).
CREATE TRIGGER aggregates_identity_expiries AFTER UPDATE OF gone_at, expires_at, credentials ON identities
WHEN OLD.gone_at <> NEW.gone_at OR OLD.expires_at <> NEW.expires_at OR OLD.credentials <> NEW.credentials
BEGIN
    DELETE FROM expiries WHERE identity_id = OLD.id;
    INSERT INTO expiries (identity_id, credential_id, expires_at)
    SELECT NEW.id, COALESCE(json_extract(value, '$.id'), ''),
        CAST(ROUND((julianday(json_extract(value, '$.expires_at')) - 2440587.5) * 86400000.0) AS INTEGER)
    FROM json_each(NEW.credentials) WHERE NEW.gone_at = 0 AND json_extract(value, '$.expires_at') IS NOT NULL;
    INSERT INTO expiries (identity_id, credential_id, expires_at)
    SELECT NEW.id, '', NEW.expires_at
    WHERE NEW.gone_at = 0 AND NEW.expires_at <> 0 AND json_array_length(NEW.credentials) = 0;
END;

-- Findings: open ones count; a finding leaves its count when it stops being open or
-- changes app, severity or points, and enters the new one.
CREATE TRIGGER aggregates_finding_inserted AFTER INSERT ON findings WHEN NEW.status = 'open'
BEGIN
    INSERT INTO finding_totals (platform, tenant, app_id, severity, findings, points)
    VALUES (NEW.platform, NEW.tenant, NEW.app_id, NEW.severity, 1, NEW.points)
    ON CONFLICT DO UPDATE SET findings = findings + 1, points = points + excluded.points;
END;

CREATE TRIGGER aggregates_finding_removed AFTER UPDATE OF status, platform, tenant, app_id, severity, points ON findings
WHEN OLD.status = 'open' AND (NEW.status <> 'open' OR OLD.platform <> NEW.platform OR OLD.tenant <> NEW.tenant
    OR OLD.app_id <> NEW.app_id OR OLD.severity <> NEW.severity OR OLD.points <> NEW.points)
BEGIN
    UPDATE finding_totals SET findings = findings - 1, points = points - OLD.points
    WHERE platform = OLD.platform AND tenant = OLD.tenant AND app_id = OLD.app_id AND severity = OLD.severity;
END;

CREATE TRIGGER aggregates_finding_added AFTER UPDATE OF status, platform, tenant, app_id, severity, points ON findings
WHEN NEW.status = 'open' AND (OLD.status <> 'open' OR OLD.platform <> NEW.platform OR OLD.tenant <> NEW.tenant
    OR OLD.app_id <> NEW.app_id OR OLD.severity <> NEW.severity OR OLD.points <> NEW.points)
BEGIN
    INSERT INTO finding_totals (platform, tenant, app_id, severity, findings, points)
    VALUES (NEW.platform, NEW.tenant, NEW.app_id, NEW.severity, 1, NEW.points)
    ON CONFLICT DO UPDATE SET findings = findings + 1, points = points + excluded.points;
END;
