-- Drift between scans: triggers record, in the same transaction as a scan's upserts,
-- what changed in a tenant that was scanned before: identities and apps added, scopes
-- and credentials changed, people's status changed or gone. A tenant's first scan
-- records nothing (everything would be "added"). Credentials are compared by ID and
-- permissions by scope, so last-use updates are not changes.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    scan_id  TEXT    NOT NULL,
    platform TEXT    NOT NULL,
    tenant   TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    before   TEXT    NOT NULL,
    after    TEXT    NOT NULL
);
CREATE INDEX changes_by_tenant ON changes (platform, tenant, seq);

-- credential_ids is the JSON array of an identity's credential IDs, written by nhi with
-- every upsert, so that the credentials trigger compares two short strings instead of
-- parsing the credentials (whose last-use times change with most scans).
ALTER TABLE identities ADD COLUMN credential_ids TEXT NOT NULL DEFAULT '[]';
UPDATE identities SET credential_ids =
    (SELECT json_group_array(json_extract(value, '$.id')) FROM json_each(identities.credentials));

CREATE TRIGGER changes_identity_added AFTER INSERT ON identities
WHEN EXISTS (SELECT 1 FROM scans WHERE platform = NEW.platform AND tenant = NEW.tenant
             AND id <> NEW.last_seen_scan AND status IN ('succeeded', 'partial'))
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'identity.added', NEW.id, NEW.name, '[]',
            (SELECT json_group_array(json_extract(value, '$.scope')) FROM json_each(NEW.permissions)));
END;

-- Permissions hold nothing but their scopes, so comparing the texts compares the scopes.
CREATE TRIGGER changes_permissions AFTER UPDATE OF permissions ON identities
WHEN OLD.permissions <> NEW.permissions
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'permissions.changed', NEW.id, NEW.name,
            (SELECT json_group_array(json_extract(value, '$.scope')) FROM json_each(OLD.permissions)),
            (SELECT json_group_array(json_extract(value, '$.scope')) FROM json_each(NEW.permissions)));
END;

CREATE TRIGGER changes_credentials AFTER UPDATE OF credential_ids ON identities
WHEN OLD.credential_ids <> NEW.credential_ids
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'credentials.changed', NEW.id, NEW.name,
            OLD.credential_ids, NEW.credential_ids);
END;

CREATE TRIGGER changes_app_added AFTER INSERT ON apps
WHEN EXISTS (SELECT 1 FROM scans WHERE platform = NEW.platform AND tenant = NEW.tenant
             AND id <> NEW.last_seen_scan AND status IN ('succeeded', 'partial'))
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'app.added', NEW.external_id, NEW.name, '[]', '[]');
END;

CREATE TRIGGER changes_person_status AFTER UPDATE OF status ON people
WHEN OLD.status <> NEW.status
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.last_seen, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'person.status_changed', NEW.external_id,
            NEW.email, json_array(OLD.status), json_array(NEW.status));
END;

CREATE TRIGGER changes_person_gone AFTER UPDATE OF gone_at ON people
WHEN OLD.gone_at = 0 AND NEW.gone_at <> 0
BEGIN
    INSERT INTO changes (at, scan_id, platform, tenant, kind, subject, name, before, after)
    VALUES (NEW.gone_at, NEW.last_seen_scan, NEW.platform, NEW.tenant, 'person.gone', NEW.external_id,
            NEW.email, json_array(OLD.status), '[]');
END;
