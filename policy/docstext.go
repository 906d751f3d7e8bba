package policy

// docIntro is the hand-written part of docs/policies.md before the variables.
const docIntro = "# Policies\n\n" +
	"A policy says, in a CEL expression, which non-human identities nhi should act on, and\n" +
	"what it should propose: revoke a grant, narrow its scopes, disable an account, delete a\n" +
	"secret, remove an app, or ask the owner. Policies only propose: what a proposal becomes\n" +
	"depends on the policy's mode and approval.\n\n" +
	"## Policy files\n\n" +
	"A policy file is YAML with a list of policies:\n\n" +
	"```yaml\n" +
	"policies:\n" +
	"  - name: acme.idle_mail_access          # unique, 1-100 of a-z 0-9 _ . -\n" +
	"    description: Revoke mail access unused for 60 days.\n" +
	"    owasp: [NHI5:2025]                   # optional\n" +
	"    when: >-\n" +
	"      identity.days_idle > 60 &&\n" +
	"      permissions.exists(p, \"mail\" in p.data)\n" +
	"    then:\n" +
	"      - revoke_grant\n" +
	"      - type: notify_owner\n" +
	"        message: \"Your grant to ${app.name} was revoked: unused for ${identity.days_idle} days.\"\n" +
	"    mode: dry_run                        # alert | dry_run (default) | enforce\n" +
	"    approval: required                   # required (default) | none\n" +
	"    severity: high                       # info | low | medium (default) | high | critical\n" +
	"```\n\n" +
	"`name`, `description`, `when` and `then` are required. Unknown keys, bad values and\n" +
	"expressions that do not compile are errors; `nhi policy lint` reports every problem of\n" +
	"every file at once, each as `file:line:column: message`.\n\n" +
	"### Modes and approval\n\n" +
	"| Mode | What its proposals become |\n|---|---|\n" +
	"| `alert` | A report only: listed and sent as alerts, never a plan. |\n" +
	"| `dry_run` | A dry-run plan: it can be previewed, and applying it changes nothing. |\n" +
	"| `enforce` | A plan that changes tenants once approved and applied with `--execute`. |\n\n" +
	"`approval: none` approves the plan on creation. An `enforce` policy with `approval: none`\n" +
	"changes tenants with no person in the loop: use it for what you would always do.\n\n" +
	"### Actions\n\n" +
	"An entry of `then` is an action type alone (`- revoke_grant`), or a mapping with `type`\n" +
	"and the parameter the type needs. Each parameter is evaluated for the identity that\n" +
	"matched; an action with nothing to act on (no app, no held scope or credential named)\n" +
	"is left out.\n\n" +
	"| Type | Parameter | Proposes |\n|---|---|---|\n" +
	"| `revoke_grant` | - | removing the identity's grant |\n" +
	"| `revoke_app_grants` | - | removing every grant of the identity's app across the tenant |\n" +
	"| `reduce_scope` | `scopes`: CEL, `list(string)` | removing the listed scopes the identity holds |\n" +
	"| `disable_identity` | - | disabling the identity, so that it can be re-enabled |\n" +
	"| `remove_credential` | `credentials`: CEL, `list(string)` | deleting each listed credential (by ID) the identity holds |\n" +
	"| `uninstall_app` | - | uninstalling or disconnecting the identity's app |\n" +
	"| `notify_owner` | `message`: text with `${expression}` parts | asking the owner to justify or rotate |\n\n" +
	"A message is literal text in which each `${...}` is a CEL expression whose value (a\n" +
	"string, number, bool, timestamp or duration) is written in its place; `$$` writes a `$`.\n" +
	"Text from the tenant (names) is cleaned of control characters; a message is cut at\n" +
	"4,000 bytes.\n\n" +
	"### Limits\n\n" +
	"An expression has at most 4,096 characters and 2,000 nodes. One evaluation of one\n" +
	"expression may cost at most 100,000 CEL cost units (about one per operation and one per\n" +
	"element a comprehension visits); a policy that goes over fails on that identity and the\n" +
	"other policies still run. Texts longer than 1,024 bytes are cut before policies see them.\n\n" +
	"## The CEL environment\n\n" +
	"Expressions are [CEL](https://cel.dev) and are type-checked when policies are compiled:\n" +
	"a misspelled field (`identity.ownr`) or a comparison of a string with a number is an\n" +
	"error at its line, not a policy that silently never matches. A date nhi does not know\n" +
	"reads as the Unix epoch (`timestamp(0)`, 1970-01-01T00:00:00Z), and the `*_days` fields\n" +
	"derived from it are -1, so a policy such as `identity.days_idle > 90` leaves an identity\n" +
	"of unknown use alone; write `identity.days_idle < 0 || identity.days_idle > 90` to act\n" +
	"on it too. `now - identity.last_used_at > days(90)`, on the other hand, holds for an\n" +
	"identity never seen in use.\n\n"

// docFunctions is the hand-written part of docs/policies.md about functions.
const docFunctions = "\n## Functions\n\n" +
	"Besides CEL's standard functions and macros (`size`, `in`, `matches`, `startsWith`,\n" +
	"`exists`, `all`, `filter`, `map`, timestamp and duration arithmetic):\n\n" +
	"- `days(n)`: a duration of `n` days: `now - identity.last_used_at > days(90)`.\n" +
	"- Optional values: `identity.attributes.?client_type.orValue(\"\")` reads a map key that\n" +
	"  may be missing; `identity.attributes[\"client_type\"]` fails on an identity without it.\n" +
	"- The CEL extension libraries for strings (`lowerAscii`, `split`, `join`, `replace`,\n" +
	"  ...), sets (`sets.contains`, `sets.intersects`, `sets.equivalent`) and lists\n" +
	"  (`distinct`, `flatten`, `slice`, `sort`, `lists.range` up to 1,000).\n"
