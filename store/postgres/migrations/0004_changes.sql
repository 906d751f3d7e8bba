-- Drift between scans: triggers record, in the same transaction as a scan's upserts,
-- what changed in a tenant that was scanned before: identities and apps added, scopes
-- and credentials changed, people's status changed or gone. A tenant's first scan
-- records nothing (everything would be "added"). Credentials are compared by their IDs
-- and permissions by their scopes, so last-use updates are not changes. before and after
-- are jsonb arrays of strings.
CREATE TABLE changes (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT NOT NULL,
    scan_id  TEXT   NOT NULL,
    platform TEXT   COLLATE "C" NOT NULL,
    tenant   TEXT   COLLATE "C" NOT NULL,
    kind     TEXT   COLLATE "C" NOT NULL,
    subject  TEXT   NOT NULL,
    name     TEXT   NOT NULL,
    before   JSONB  NOT NULL,
    after    JSONB  NOT NULL
);
CREATE INDEX changes_by_tenant ON changes (platform, tenant, seq);

-- Additions are recorded once per statement from its transition table: one set-based
-- insert instead of a function call per row of a batch.
CREATE FUNCTION changes_identities_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    SELECT n.last_seen, n.last_seen_scan, n.platform, n.tenant, 'identity.added', n.id, n.name,
        '[]', jsonb_path_query_array(n.permissions, '$[*].scope')
    FROM added n
    WHERE EXISTS (SELECT 1 FROM scans s WHERE s.platform = n.platform AND s.tenant = n.tenant
        AND s.id <> n.last_seen_scan AND s.status IN ('succeeded', 'partial'));
    RETURN NULL;
END
$$;
CREATE TRIGGER changes_identity_added AFTER INSERT ON identities
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION changes_identities_added();

CREATE FUNCTION changes_apps_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    SELECT n.last_seen, n.last_seen_scan, n.platform, n.tenant, 'app.added', n.external_id, n.name,
        '[]', '[]'
    FROM added n
    WHERE EXISTS (SELECT 1 FROM scans s WHERE s.platform = n.platform AND s.tenant = n.tenant
        AND s.id <> n.last_seen_scan AND s.status IN ('succeeded', 'partial'));
    RETURN NULL;
END
$$;
CREATE TRIGGER changes_app_added AFTER INSERT ON apps
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION changes_apps_added();

-- Updates are row triggers whose WHEN clause, evaluated without calling the function,
-- skips the rows where nothing that counts changed: most rows of most scans.
CREATE FUNCTION changes_identity_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, TG_ARGV[0], NEW.id, NEW.name,
        jsonb_path_query_array(OLD.permissions, '$[*].scope'),
        jsonb_path_query_array(NEW.permissions, '$[*].scope'));
    RETURN NULL;
END
$$;
CREATE TRIGGER changes_permissions AFTER UPDATE OF permissions ON identities
    FOR EACH ROW WHEN (jsonb_path_query_array(OLD.permissions, '$[*].scope')
        IS DISTINCT FROM jsonb_path_query_array(NEW.permissions, '$[*].scope'))
    EXECUTE FUNCTION changes_identity_updated('permissions.changed');

CREATE FUNCTION changes_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'credentials.changed', NEW.id, NEW.name,
        jsonb_path_query_array(OLD.credentials, '$[*].id'),
        jsonb_path_query_array(NEW.credentials, '$[*].id'));
    RETURN NULL;
END
$$;
CREATE TRIGGER changes_credentials AFTER UPDATE OF credentials ON identities
    FOR EACH ROW WHEN (jsonb_path_query_array(OLD.credentials, '$[*].id')
        IS DISTINCT FROM jsonb_path_query_array(NEW.credentials, '$[*].id'))
    EXECUTE FUNCTION changes_credentials();

CREATE FUNCTION changes_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_ARGV[0] = 'person.gone' THEN
        INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
        VALUES (NEW.gone_at, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'person.gone',
            NEW.external_id, NEW.email, jsonb_build_array(OLD.status), '[]');
    ELSE
        INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
        VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'person.status_changed',
            NEW.external_id, NEW.email, jsonb_build_array(OLD.status), jsonb_build_array(NEW.status));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER changes_person_status AFTER UPDATE OF status ON people
    FOR EACH ROW WHEN (OLD.status <> NEW.status)
    EXECUTE FUNCTION changes_person('person.status_changed');
CREATE TRIGGER changes_person_gone AFTER UPDATE OF gone_at ON people
    FOR EACH ROW WHEN (OLD.gone_at = 0 AND NEW.gone_at <> 0)
    EXECUTE FUNCTION changes_person('person.gone');
