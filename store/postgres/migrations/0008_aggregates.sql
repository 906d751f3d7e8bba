-- 0008_aggregates: the figures of the whole inventory that the dashboard and the apps list
-- show, kept up to date in the same transaction as the writes that change them, so that
-- reading them costs a few rows instead of a pass over every identity and finding. The
-- tables are those of store/sqlite's migration 0006.
--
-- Every table counts present identities (gone_at = 0) or open findings. A row whose count
-- falls to zero stays (readers skip it). An identity leaves the counts when it goes or
-- when what they count of it (app, owner, permissions) changes, and enters them again as
-- it now is; identities and findings are never deleted. Counts change by increments
-- (n = n + excluded.n), which PostgreSQL applies to the latest row version, so concurrent
-- writers do not lose updates.
--
-- Identities: triggers append the rows that enter or leave the counts to aggregate_log (a
-- statement trigger the inserted rows of its transition table, a row trigger each changed
-- row), and PutIdentities and MarkGone fold the log into the counts with aggregates_fold()
-- before they commit: grouped, set-based writes instead of a write per row and count.

-- aggregate_log holds the identities that entered (sign 1) or left (sign -1) the counts
-- since the last fold of the transaction; other transactions never see its rows, and it
-- is empty between transactions, so it is unlogged: no WAL for rows that never outlive
-- their transaction.
CREATE UNLOGGED TABLE aggregate_log (
    sign        BIGINT NOT NULL,
    platform    TEXT   COLLATE "C" NOT NULL,
    tenant      TEXT   COLLATE "C" NOT NULL,
    kind        TEXT   COLLATE "C" NOT NULL,
    app_id      TEXT   COLLATE "C" NOT NULL,
    owner_id    TEXT   COLLATE "C" NOT NULL,
    permissions JSONB  NOT NULL
);

CREATE TABLE kind_totals (
    platform TEXT   COLLATE "C" NOT NULL,
    tenant   TEXT   COLLATE "C" NOT NULL,
    kind     TEXT   COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (platform, tenant, kind)
);
CREATE TABLE app_totals (
    platform   TEXT   COLLATE "C" NOT NULL,
    tenant     TEXT   COLLATE "C" NOT NULL,
    app_id     TEXT   COLLATE "C" NOT NULL,
    users      BIGINT NOT NULL,
    identities BIGINT NOT NULL,
    PRIMARY KEY (platform, tenant, app_id)
);
CREATE TABLE app_scopes (
    platform TEXT   COLLATE "C" NOT NULL,
    tenant   TEXT   COLLATE "C" NOT NULL,
    app_id   TEXT   COLLATE "C" NOT NULL,
    scope    TEXT   COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (platform, tenant, app_id, scope)
);
-- app_owners counts each owner's present identities of an app, so that an app's users
-- change exactly when an owner's count there leaves or reaches zero.
CREATE TABLE app_owners (
    platform TEXT   COLLATE "C" NOT NULL,
    tenant   TEXT   COLLATE "C" NOT NULL,
    app_id   TEXT   COLLATE "C" NOT NULL,
    owner_id TEXT   COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (platform, tenant, app_id, owner_id)
);
CREATE TABLE expiries (
    identity_id   TEXT   COLLATE "C" NOT NULL,
    credential_id TEXT   COLLATE "C" NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX expiries_by_identity ON expiries (identity_id);
CREATE INDEX expiries_by_time ON expiries (expires_at, identity_id, credential_id);
CREATE TABLE finding_totals (
    platform TEXT   COLLATE "C" NOT NULL,
    tenant   TEXT   COLLATE "C" NOT NULL,
    app_id   TEXT   COLLATE "C" NOT NULL,
    severity TEXT   COLLATE "C" NOT NULL,
    findings BIGINT NOT NULL,
    points   BIGINT NOT NULL,
    PRIMARY KEY (platform, tenant, app_id, severity)
);

-- The backfill of a database that has an inventory already.
INSERT INTO kind_totals SELECT platform, tenant, kind, COUNT(*) FROM identities WHERE gone_at = 0 GROUP BY 1, 2, 3;
INSERT INTO app_totals SELECT platform, tenant, app_id, COUNT(DISTINCT NULLIF(owner_id, '')), COUNT(*)
FROM identities WHERE gone_at = 0 AND app_id <> '' GROUP BY 1, 2, 3;
INSERT INTO app_owners SELECT platform, tenant, app_id, owner_id, COUNT(*)
FROM identities WHERE gone_at = 0 AND app_id <> '' AND owner_id <> '' GROUP BY 1, 2, 3, 4;
INSERT INTO app_scopes SELECT i.platform, i.tenant, i.app_id, p ->> 'scope', COUNT(*)
FROM identities i, jsonb_array_elements(i.permissions) p
WHERE i.gone_at = 0 AND i.app_id <> '' AND p ->> 'scope' IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO finding_totals SELECT platform, tenant, app_id, severity, COUNT(*), SUM(points)
FROM findings WHERE status = 'open' GROUP BY 1, 2, 3, 4;
INSERT INTO expiries
SELECT i.id, COALESCE(c ->> 'id', ''), (EXTRACT(EPOCH FROM (c ->> 'expires_at')::timestamptz) * 1000)::bigint
FROM identities i, jsonb_array_elements(i.credentials) c WHERE i.gone_at = 0 AND c ->> 'expires_at' IS NOT NULL
UNION ALL
SELECT id, '', expires_at FROM identities WHERE gone_at = 0 AND expires_at <> 0 AND jsonb_array_length(credentials) = 0;

-- expiries_of lists the expiries of present identities: each credential's, or the
-- identity's own when it has no credentials.
CREATE FUNCTION expiries_of(ids identities[]) RETURNS TABLE (identity_id TEXT, credential_id TEXT, expires_at BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT i.id, COALESCE(c ->> 'id', ''), (EXTRACT(EPOCH FROM (c ->> 'expires_at')::timestamptz) * 1000)::bigint
    FROM unnest(ids) i, jsonb_array_elements(i.credentials) c
    WHERE i.gone_at = 0 AND c ->> 'expires_at' IS NOT NULL
    UNION ALL
    SELECT i.id, '', i.expires_at FROM unnest(ids) i
    WHERE i.gone_at = 0 AND i.expires_at <> 0 AND jsonb_array_length(i.credentials) = 0
$$;

-- aggregates_fold empties aggregate_log into the counts. app_scopes is kept as a set here
-- (n is 1): a scope an identity brings is added unless present, which writes nothing in
-- the common case, and one an identity takes away is deleted when no present identity of
-- the app has it any more. An owner joins an app's users when
-- its count there leaves zero and leaves them when it falls to zero: the sign of the count
-- after, less the sign before (the count after less the change). Without statistics on
-- the log, the planner's estimates could make it compile the statement (JIT, hundreds of
-- milliseconds) or join in nested loops; SET keeps it from both.
CREATE FUNCTION aggregates_fold() RETURNS void LANGUAGE sql SET jit = off SET enable_nestloop = off AS $$
WITH d AS (
    DELETE FROM aggregate_log RETURNING sign AS s, platform, tenant, kind, app_id, owner_id, permissions
), k AS (
    INSERT INTO kind_totals AS t SELECT platform, tenant, kind, SUM(s) FROM d GROUP BY 1, 2, 3 HAVING SUM(s) <> 0
    ON CONFLICT (platform, tenant, kind) DO UPDATE SET n = t.n + excluded.n
), sd AS (
    SELECT d.platform, d.tenant, d.app_id, p ->> 'scope' AS scope, SUM(d.s) AS ds
    FROM d, jsonb_array_elements(d.permissions) p WHERE d.app_id <> '' AND p ->> 'scope' IS NOT NULL
    GROUP BY 1, 2, 3, 4 HAVING SUM(d.s) <> 0
), sc AS (
    INSERT INTO app_scopes SELECT platform, tenant, app_id, scope, 1 FROM sd WHERE ds > 0 ON CONFLICT DO NOTHING
), sx AS (
    DELETE FROM app_scopes t USING sd WHERE sd.ds < 0 AND t.platform = sd.platform AND t.tenant = sd.tenant
        AND t.app_id = sd.app_id AND t.scope = sd.scope
        AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.app_id = sd.app_id AND i.platform = sd.platform
            AND i.tenant = sd.tenant AND i.gone_at = 0
            AND i.permissions @> jsonb_build_array(jsonb_build_object('scope', sd.scope)))
), od AS (
    SELECT platform, tenant, app_id, owner_id, SUM(s) AS ds FROM d
    WHERE app_id <> '' AND owner_id <> '' GROUP BY 1, 2, 3, 4 HAVING SUM(s) <> 0
), ow AS (
    INSERT INTO app_owners AS t SELECT * FROM od
    ON CONFLICT (platform, tenant, app_id, owner_id) DO UPDATE SET n = t.n + excluded.n
    RETURNING t.platform, t.tenant, t.app_id, t.owner_id, t.n
), du AS (
    SELECT ow.platform, ow.tenant, ow.app_id, SUM((ow.n > 0)::int - (ow.n - od.ds > 0)::int) AS users
    FROM ow JOIN od USING (platform, tenant, app_id, owner_id) GROUP BY 1, 2, 3
), di AS (
    SELECT platform, tenant, app_id, SUM(s) AS n FROM d WHERE app_id <> '' GROUP BY 1, 2, 3
)
INSERT INTO app_totals AS t
SELECT di.platform, di.tenant, di.app_id, COALESCE(du.users, 0), di.n FROM di LEFT JOIN du USING (platform, tenant, app_id)
WHERE di.n <> 0 OR COALESCE(du.users, 0) <> 0
ON CONFLICT (platform, tenant, app_id) DO UPDATE
SET users = t.users + excluded.users, identities = t.identities + excluded.identities
$$;

CREATE FUNCTION aggregates_identities_inserted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    INSERT INTO aggregate_log SELECT 1, platform, tenant, kind, app_id, owner_id, permissions
    FROM added WHERE gone_at = 0;
    INSERT INTO expiries SELECT * FROM expiries_of(ARRAY(SELECT ROW(a.*)::identities FROM added a));
    RETURN NULL;
END
$$;
CREATE TRIGGER aggregates_identities_inserted AFTER INSERT ON identities
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION aggregates_identities_inserted();

-- Updates are row triggers whose WHEN clause, evaluated without calling the function,
-- skips the rows where nothing that counts changed: most rows of most scans. (A statement
-- trigger joining its transition tables cost a rescan 40% of its rate.)
CREATE FUNCTION aggregates_identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO aggregate_log
    SELECT -1, OLD.platform, OLD.tenant, OLD.kind, OLD.app_id, OLD.owner_id, OLD.permissions WHERE OLD.gone_at = 0
    UNION ALL
    SELECT 1, NEW.platform, NEW.tenant, NEW.kind, NEW.app_id, NEW.owner_id, NEW.permissions WHERE NEW.gone_at = 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER aggregates_identity_changed AFTER UPDATE OF gone_at, app_id, owner_id, permissions ON identities
    FOR EACH ROW WHEN (OLD.gone_at <> NEW.gone_at OR (NEW.gone_at = 0 AND (OLD.app_id <> NEW.app_id
        OR OLD.owner_id <> NEW.owner_id OR OLD.permissions <> NEW.permissions)))
    EXECUTE FUNCTION aggregates_identity_changed();

-- The expiries of an identity are rewritten when its presence, its expiry, its number of
-- credentials, or which of them expire when, change; credentials' last-use times change
-- with most scans and do not count.
CREATE FUNCTION aggregates_identity_expiries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM expiries WHERE identity_id = OLD.id;
    INSERT INTO expiries SELECT * FROM expiries_of(ARRAY[NEW]);
    RETURN NULL;
END
$$;
CREATE TRIGGER aggregates_identity_expiries AFTER UPDATE OF gone_at, expires_at, credentials ON identities
    FOR EACH ROW WHEN (OLD.gone_at <> NEW.gone_at OR OLD.expires_at <> NEW.expires_at
        OR (OLD.credentials <> NEW.credentials AND (
            jsonb_array_length(OLD.credentials) <> jsonb_array_length(NEW.credentials)
            OR jsonb_path_query_array(OLD.credentials, '$[*] ? (exists (@.expires_at)).id')
                IS DISTINCT FROM jsonb_path_query_array(NEW.credentials, '$[*] ? (exists (@.expires_at)).id')
            OR jsonb_path_query_array(OLD.credentials, '$[*].expires_at')
                IS DISTINCT FROM jsonb_path_query_array(NEW.credentials, '$[*].expires_at'))))
    EXECUTE FUNCTION aggregates_identity_expiries();

-- Findings: open ones count; a finding leaves its count when it stops being open or
-- changes app, severity or points, and enters the new one.
CREATE FUNCTION aggregates_findings_apply(times BIGINT, batch findings[]) RETURNS void LANGUAGE sql SET jit = off AS $$
INSERT INTO finding_totals AS t
SELECT platform, tenant, app_id, severity, times * COUNT(*), times * SUM(points) FROM unnest(batch) GROUP BY 1, 2, 3, 4
ON CONFLICT (platform, tenant, app_id, severity) DO UPDATE
SET findings = t.findings + excluded.findings, points = t.points + excluded.points
$$;

CREATE FUNCTION aggregates_findings_inserted() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    PERFORM aggregates_findings_apply(1, array_agg(ROW(a.*)::findings)) FROM added a WHERE a.status = 'open';
    RETURN NULL;
END
$$;
CREATE TRIGGER aggregates_findings_inserted AFTER INSERT ON findings
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION aggregates_findings_inserted();

CREATE FUNCTION aggregates_finding_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'open' THEN
        PERFORM aggregates_findings_apply(-1, ARRAY[OLD]);
    END IF;
    IF NEW.status = 'open' THEN
        PERFORM aggregates_findings_apply(1, ARRAY[NEW]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER aggregates_finding_changed AFTER UPDATE OF status, platform, tenant, app_id, severity, points ON findings
    FOR EACH ROW WHEN ((OLD.status = 'open' OR NEW.status = 'open') AND (OLD.status <> NEW.status
        OR OLD.platform <> NEW.platform OR OLD.tenant <> NEW.tenant OR OLD.app_id <> NEW.app_id
        OR OLD.severity <> NEW.severity OR OLD.points <> NEW.points))
    EXECUTE FUNCTION aggregates_finding_changed();
