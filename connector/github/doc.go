// Package github is nhi's connector for GitHub organizations (github.com and GitHub
// Enterprise Cloud; GitHub Enterprise Server through Config.APIURL). It discovers, through
// the REST API with github.com/google/go-github and one GraphQL query, the GitHub Apps
// installed on each organization, the fine-grained personal access tokens granted access
// and those waiting for approval (App mode only), the classic tokens, SSH keys and OAuth app tokens
// authorized for SAML single sign-on, the deploy keys of every repository, the
// organization's webhooks and the metadata of its Actions secrets, and the members with
// their role and SAML email. Discovery only reads (the GraphQL query is sent with POST,
// as GraphQL requires, and changes nothing).
//
// # Authentication and permissions
//
// nhi authenticates in one of two modes.
//
// App mode (Config.AppID and Config.PrivateKey; recommended): nhi signs a JWT as its
// GitHub App (RS256, iat about 60 s in the past, exp 9 minutes ahead), looks up the
// installation of each organization (GET /orgs/{org}/installation) unless
// Config.InstallationIDs names it, and exchanges the JWT for an installation token,
// cached and replaced 5 minutes before it expires. Discovery needs these read-only
// permissions of the app:
//
//   - organization: Administration: read (installations), Members: read (members and SAML
//     identities), Personal access tokens: read, Personal access token requests: read,
//     Webhooks: read, Secrets: read;
//   - repository (on all repositories): Metadata: read, Administration: read (deploy
//     keys), Secrets: read (repository Actions secrets).
//
// Remediation needs, separately (best on a second app used only for enforcement):
// Personal access tokens: write (revoke a grant), Personal access token requests: write
// (deny a request), Webhooks: write (disable a webhook) and repository Administration:
// write (delete a deploy key).
//
// GitHub serves SAML credential authorizations and the audit log to an organization
// owner's classic personal access token only (Config.Token, optional in App mode; scopes
// read:org, or admin:org to remove an authorization, and read:audit_log; authorized for
// SAML SSO). Without it a scan lists no credential authorizations and says so once (a
// log line and one Failure), removing an authorization is CodeForbidden, and Events is
// CodeForbidden.
//
// Token mode (Config.Token alone: AppID 0, no PrivateKey, ClientID or InstallationIDs):
// every call carries an organization owner's classic personal access token, authorized
// for SAML SSO. Its least privilege is the owner role and the scopes read:org
// (members, SAML identities, installations), admin:org (Actions secrets, and removing a
// SAML credential authorization; it includes read:org), repo (private repositories, their
// deploy keys and Actions secrets, deleting a deploy key), admin:org_hook (webhooks,
// disabling one) and read:audit_log (Events). Classic scopes do not separate reading from
// writing: the token that scans can also remediate. GitHub serves fine-grained token
// grants and requests (/orgs/{org}/personal-access-tokens* and
// /orgs/{org}/personal-access-token-requests*) to GitHub App installation tokens only, so
// token mode skips them: each scan reports one Failure (CodeForbidden, "fine-grained
// token grants need a GitHub App installation token") and one log line, their scopes
// stay incomplete so nothing listed before is marked gone, and revoking a grant or
// denying a request is CodeForbidden before any request. Webhooks created by OAuth apps
// are invisible to a personal token. A scan first reads each organization (GET
// /orgs/{org}): a rejected token ends it once with CodeUnauthorized.
//
// In both modes the owner token's own SAML credential authorization (the classic token
// whose last eight characters GitHub lists are its own) is marked nhi_self=true, named by
// Self once seen, and never revoked.
//
// # What is reported
//
// Tenant is the organization login; people are the members (ExternalID the lower-case
// login, Email the SAML NameID, IsAdmin for owners) and, as departed, the logins that own
// or added a token, credential or key but are no members. Apps are reported once per
// GitHub App client ID (installations) or OAuth app client ID (OAuth app tokens). An
// installed app's name and vendor (the login of the account that owns it) come from its
// page, GET /apps/{app_slug}; an app GitHub does not show keeps its slug and no vendor.
//
//   - KindIntegration "installation/<id>": permissions "<perm>:<level>"; attributes
//     app_slug, app_id, repository_selection, events, suspended, last_used=unknown
//     (nhi_self=true on nhi's own). Scope "installations:<org>".
//   - KindAPIKey "pat/<pat_id>" (fine-grained token grant, owner, org and repository
//     permissions, token credential with expiry and last use) in scope "tokens:<org>";
//     "patreq/<id>" (pending request, attributes request=pending, requested_permissions)
//     in "token-requests:<org>"; "cred/<credential_id>" (classic token, scopes) in
//     "credentials:<org>".
//   - KindAppCredential "cred/<credential_id>" (SSH key) and "secret/<name>" or
//     "secret/<repo>/<name>" (Actions secret metadata) in "secrets:<org>" or
//     "repo-secrets:<org>/<repo>".
//   - KindOAuthGrant "cred/<credential_id>" (OAuth app token, AppID its app).
//   - KindDeployKey "<repo>/<key id>": contents:read or contents:write, the key's SHA256
//     fingerprint. Scope "deploy-keys:<org>/<repo>".
//   - KindWebhook "hook/<id>": Name is the URL's scheme
//     and host only (its path, query and user information can hold secrets and are never
//     kept; destination_scheme and destination_host carry them apart); attributes events,
//     active, insecure_ssl, has_secret, content_type.
//
// Tokens are never kept: a classic token's fingerprint is "…" and its last four
// characters, a key's its SHA256 fingerprint. NeverExpires is set only on personal access
// tokens without expiry. A scope is completed only when its listing was read to the end,
// so a failed listing never marks identities gone; a refused per-repository listing is
// reported once per organization.
//
// # Incremental scans
//
// GitHub has no delta API for any of this, so every Discover is a full scan. It still
// returns a cursor ("github1:<unix seconds>", the scan's start) and accepts only cursors
// it issued, so that the runner's contract holds.
//
// # Events
//
// Events reads each organization's audit log (GET /orgs/{org}/audit-log, order=asc,
// phrase created:>=<floor>) with the owner token and delivers the personal_access_token.*,
// org_credential_authorization.*, integration_installation.*, public_key.*, hook.* and
// Actions secret events, mapped to nhi event kinds. Its cursor ("githubev1:...") keeps
// per organization a floor and the document IDs handled at or after it, so events that
// share a millisecond, or that GitHub lists up to EventLateness late, are delivered once.
//
// # Throttling
//
// Requests of one credential wait while it is rate limited: Retry-After is honoured;
// x-ratelimit-remaining 0 waits until x-ratelimit-reset; a secondary limit without a
// time waits a minute, doubling on repeats. One request waits at most Config.MaxWait in
// all, then fails with CodeRateLimited. Server errors and transport failures are retried
// three times with jittered backoff.
//
// # Configuration
//
// App mode (token optional); token mode is the same without app_id, client_id,
// private_key and installation_ids:
//
//	connectors:
//	  - name: github-prod
//	    platform: github
//	    organizations: [acme, acme-labs]
//	    app_id: 123456
//	    client_id: Iv23liExample       # optional
//	    private_key: file:/etc/nhi/github-app.pem
//	    installation_ids: {acme: 4567} # optional
//	    token: env:NHI_GITHUB_OWNER_TOKEN  # App mode: optional (credential authorizations, audit log)
//	    api_url: https://api.github.com/   # GitHub Enterprise Server: https://HOST/api/v3/
//	    concurrency: 8
//	    max_wait: 15m
package github
