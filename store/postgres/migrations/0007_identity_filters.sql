-- Pages of identities filtered by platform, or by app, in ID order (the default order):
-- without these PostgreSQL walks the primary key and throws away every row before the
-- platform's (nhi IDs begin with the platform: okta_, gith_, ...), 0.8-1.0 s for Okta's
-- first page at a million identities, or sorts an app's identities (0.12-0.17 s for the
-- most-used app). SQLite sorts the few matches in a temporary B-tree and stays fast.
CREATE INDEX identities_by_platform_id ON identities (platform, id);
CREATE INDEX identities_by_app_id ON identities (app_id, id);
