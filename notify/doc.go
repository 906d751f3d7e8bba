// Package notify sends owner notices: a policy asks the owner of a non-human identity
// to justify or rotate it before nhi acts (nhi.ActionNotifyOwner). Two notifiers
// implement Notifier: Webhook, a generic signed JSON webhook, and Slack, a Slack
// incoming webhook.
//
// # Webhook deliveries
//
// A delivery is a POST with Content-Type application/json, whose body is a Notice:
//
//	{
//	  "version": 1,
//	  "type": "nhi.owner_notice",
//	  "id": "ntf_3f1c...",                      // delivery ID, stable across retries
//	  "created_at": "2026-03-01T09:00:00Z",
//	  "summary": "nhi policy stale-grants proposes revoke grant for Acme CRM (google_workspace) by 2026-03-08T09:00:00Z",
//	  "policy": "stale-grants",
//	  "action": "revoke_grant",                 // what nhi does after the deadline
//	  "plan_id": "pln_...", "action_id": "1",
//	  "platform": "google_workspace", "tenant": "C0123",
//	  "identity": {"id": "gws_...", "name": "Acme CRM", "kind": "oauth_grant"},
//	  "app": {"id": "1234.apps.googleusercontent.com", "name": "Acme CRM"},
//	  "owner": {"email": "alice@example.com"},
//	  "reason": "Unused for 120 days with full Drive access.",
//	  "deadline": "2026-03-08T09:00:00Z",
//	  "justify": {"url": "https://nhi.example.com/justify/...", "command": "nhi justify gws_..."}
//	}
//
// Optional members are left out when empty. Within version 1 members may be added, never
// renamed or removed; receivers should ignore members they do not know.
//
// Each delivery carries two headers. DeliveryHeader (Nhi-Delivery-Id) is the notice's ID:
// retries and reruns of the same plan action send the same ID, so receivers can drop
// duplicates. SignatureHeader (Nhi-Signature) is "t=<unix seconds>,v1=<hex>", where the
// hex is HMAC-SHA256 keyed with the shared secret over the timestamp, a dot and the raw
// body. Receivers check it with Verify, which also bounds the timestamp's age against
// replays. nhi signs with one secret; Verify accepts up to eight v1 values, so that
// later versions can sign with an old and a new secret while rotating.
//
// A 2xx answer means delivered. 5xx answers and transport errors are retried with
// exponential backoff, 429 answers after their Retry-After, each a bounded number of
// times (HTTPOptions); other answers end the delivery with an nhi error code.
//
// # Untrusted text
//
// Identity and app names come from tenants and may be hostile. Every text field is
// passed through nhi.CleanText (control characters, ANSI escapes and bidirectional
// overrides dropped). Webhook bodies are JSON-encoded, which escapes HTML's special
// characters; Slack messages escape &, < and > and set names in code spans, so that a
// name can neither mention a channel, nor forge a link, nor be auto-linked.
//
// Secrets (the webhook's signing secret, the Slack webhook URL's path) are never logged
// and never appear in errors; notifiers print as their host only.
package notify
