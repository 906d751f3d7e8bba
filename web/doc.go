// Package web serves nhi's HTTP API under /api/v1 (JSON, described by an OpenAPI 3.1
// document served at /api/v1/openapi.json), the sign-in endpoints under /auth, and
// delegates every other path to the console's handler.
//
// Authentication: local users with argon2id password hashes, OpenID Connect single sign-on
// (github.com/coreos/go-oidc), and API tokens for automation (only their SHA-256 is kept;
// scoped and expiring). Browser sessions live in an HttpOnly, SameSite=Strict cookie
// whose ID is kept hashed; unsafe requests made with a session need the session's CSRF
// token in the X-CSRF-Token header. Roles are viewer, analyst, approver and admin, each
// allowed what the one before it is. Every write is recorded in the audit trail with the
// user who made it.
//
// Users, sessions and tokens live behind AuthStore; SQLiteAuth keeps them in tables
// prefixed web_ in the same SQLite file as the inventory, so that one file holds (and one
// backup saves) everything, and PostgresAuth in the same tables of a PostgreSQL inventory,
// shared by every instance that serves the console from it.
//
// nhi error codes map to HTTP statuses in one place (writeError); every answer carries
// strict security headers and the JSON encoder escapes markup, so names chosen by tenants
// or attackers (OAuth app names) never become HTML.
package web
