package policy

import (
	"slices"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// The types below are what policies see: CEL reads their fields by the cel tag, and the
// doc tag documents the field in docs/policies.md. A date nhi does not know is the zero
// time.Time, which CEL reads as the Unix epoch; the *_days fields are -1 when their date
// is unknown.

// identity is the CEL variable identity.
type identity struct {
	ID          string            `cel:"id" doc:"nhi's ID of the identity"`
	Platform    string            `cel:"platform" doc:"google_workspace, microsoft_entra, github, ..."`
	Tenant      string            `cel:"tenant" doc:"the platform's tenant ID"`
	Kind        string            `cel:"kind" doc:"oauth_grant, service_account, api_key, app_credential, bot, integration, webhook or deploy_key"`
	ExternalID  string            `cel:"external_id" doc:"the platform's ID of the identity"`
	Name        string            `cel:"name" doc:"display name (untrusted text from the tenant)"`
	AppID       string            `cel:"app_id" doc:"the platform's ID of the identity's app, or empty"`
	OwnerID     string            `cel:"owner_id" doc:"the platform's ID of the owner or granter, or empty"`
	Scopes      []string          `cel:"scopes" doc:"the scopes or permissions held, as the platform names them"`
	Attributes  map[string]string `cel:"attributes" doc:"platform facts such as client_type, anonymous, native_app; read with identity.attributes.?key.orValue(\"\") or \"key\" in identity.attributes"`
	Credentials []*credential     `cel:"credentials" doc:"the identity's secrets; an API key, app credential or deploy key listing none is its own credential"`
	CreatedAt   time.Time         `cel:"created_at" doc:"when the identity was created or granted"`
	LastUsedAt  time.Time         `cel:"last_used_at" doc:"when it was last used"`
	ExpiresAt   time.Time         `cel:"expires_at" doc:"when it expires"`
	FirstSeen   time.Time         `cel:"first_seen" doc:"when nhi first saw it"`
	LastSeen    time.Time         `cel:"last_seen" doc:"when nhi last saw it"`
	NeverUsed   bool              `cel:"never_used" doc:"no use is recorded"`
	DaysIdle    int               `cel:"days_idle" doc:"whole days since the last use or, never used, since creation; -1 when neither is known"`
	AgeDays     int               `cel:"age_days" doc:"whole days since creation"`
	HasExpiry   bool              `cel:"has_expiry" doc:"an expiry time is known"`
	Gone        bool              `cel:"gone" doc:"a complete scan no longer sees it"`
}

// credential is one entry of identity.credentials.
type credential struct {
	ID           string    `cel:"id" doc:"the platform's ID of the credential"`
	Type         string    `cel:"type" doc:"oauth_refresh_token, client_secret, rsa_key, ..."`
	CreatedAt    time.Time `cel:"created_at" doc:"when it was created"`
	LastUsedAt   time.Time `cel:"last_used_at" doc:"when it was last used"`
	ExpiresAt    time.Time `cel:"expires_at" doc:"when it expires"`
	NeverExpires bool      `cel:"never_expires" doc:"the platform says it never expires"`
	AgeDays      int       `cel:"age_days" doc:"whole days since creation"`
	DaysIdle     int       `cel:"days_idle" doc:"whole days since the last use or, never used, since creation"`
	Expired      bool      `cel:"expired" doc:"its expiry time has passed"`
}

// app is the CEL variable app; every field is empty when the identity has no app.
type app struct {
	Known      bool     `cel:"known" doc:"nhi has a record of the identity's app"`
	ID         string   `cel:"id" doc:"the platform's ID of the app (an OAuth client ID)"`
	Name       string   `cel:"name" doc:"display name (untrusted text from the tenant)"`
	Vendor     string   `cel:"vendor" doc:"the company behind the app, when known"`
	Anonymous  bool     `cel:"anonymous" doc:"the platform has no registration for the app"`
	Native     bool     `cel:"native" doc:"an installed (mobile, desktop) app"`
	Users      int      `cel:"users" doc:"how many people have granted or use the app"`
	Identities int      `cel:"identities" doc:"how many identities the app has"`
	Admins     int      `cel:"admins" doc:"how many of the app's identities administrators granted, when the caller counted them"`
	Scopes     []string `cel:"scopes" doc:"the union of the scopes of the app's identities"`
	Intel      *intel   `cel:"intel" doc:"what the threat intelligence pack says of the app"`
}

// intel is app.intel.
type intel struct {
	Listed   bool   `cel:"listed" doc:"the pack lists the app, matched by its ID"`
	Kind     string `cel:"kind" doc:"malicious, breached or abused; empty when not listed"`
	Vendor   string `cel:"vendor" doc:"the vendor or party the incident names"`
	Incident string `cel:"incident" doc:"the incident or campaign"`
	Date     string `cel:"date" doc:"the incident's date, YYYY-MM-DD"`
	Source   string `cel:"source" doc:"where the app's ID was published"`
}

// owner is the CEL variable owner: the person who owns or granted the identity.
type owner struct {
	Known          bool      `cel:"known" doc:"nhi has a directory record of the owner"`
	ID             string    `cel:"id" doc:"the platform's ID of the person"`
	Email          string    `cel:"email" doc:"email address"`
	Name           string    `cel:"name" doc:"display name"`
	Status         string    `cel:"status" doc:"active, suspended, departed or unknown (also when there is no owner)"`
	IsAdmin        bool      `cel:"is_admin" doc:"the person is a tenant administrator"`
	OrgUnit        string    `cel:"org_unit" doc:"department or organizational unit"`
	CreatedAt      time.Time `cel:"created_at" doc:"when the account was created"`
	LastLogin      time.Time `cel:"last_login" doc:"when the person last signed in"`
	DaysSinceLogin int       `cel:"days_since_login" doc:"whole days since the last sign-in"`
	Gone           bool      `cel:"gone" doc:"the person is no longer in the directory"`
}

// permission is one entry of permissions, rated by the permission catalogue.
type permission struct {
	Scope    string   `cel:"scope" doc:"the scope as the platform names it"`
	Known    bool     `cel:"known" doc:"the permission catalogue rates the scope"`
	Tier     string   `cel:"tier" doc:"critical, high, medium, low, or unknown"`
	TierRank int      `cel:"tier_rank" doc:"the tier as a number: 4 critical, 3 high, 2 medium, 1 low, 0 unknown"`
	Data     []string `cel:"data" doc:"what the scope reaches: mail, files, admin, ... (see docs/permissions.md)"`
	Label    string   `cel:"label" doc:"the platform's own label (Google restricted or sensitive), if any"`
}

// finding is one entry of findings: the open findings of the identity and of its app.
type finding struct {
	ID           string   `cel:"id" doc:"the finding's ID"`
	Signal       string   `cel:"signal" doc:"the signal that holds (see docs/signals.md)"`
	Title        string   `cel:"title" doc:"what the signal says"`
	Severity     string   `cel:"severity" doc:"info, low, medium, high or critical"`
	SeverityRank int      `cel:"severity_rank" doc:"the severity as a number: 1 info to 5 critical"`
	Points       int      `cel:"points" doc:"the finding's contribution to the risk score"`
	OWASP        []string `cel:"owasp" doc:"OWASP NHI Top 10 items, e.g. NHI5:2025"`
	Evidence     []string `cel:"evidence" doc:"why the signal holds"`
	Status       string   `cel:"status" doc:"open or suppressed"`
	Subject      string   `cel:"subject" doc:"identity or app"`
}

// daysSince returns the whole days from t to now, 0 for a t after now and -1 for zero t.
func daysSince(now, t time.Time) int {
	if t.IsZero() {
		return -1
	}
	d := now.Sub(t)
	if d < 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}

// idleDays returns the days since the last use or, never used, since creation.
func idleDays(now, created, used time.Time) int {
	if !used.IsZero() {
		return daysSince(now, used)
	}
	return daysSince(now, created)
}

// newIdentity builds the identity view.
func newIdentity(id *nhi.Identity, now time.Time) *identity {
	v := &identity{ID: text(id.ID), Platform: text(string(id.Platform)), Tenant: text(id.Tenant), Kind: text(string(id.Kind)),
		ExternalID: text(id.ExternalID), Name: text(id.Name), AppID: text(id.AppID), OwnerID: text(id.OwnerID),
		Scopes: texts(id.Scopes()), Attributes: textMap(id.Attributes), CreatedAt: id.CreatedAt, LastUsedAt: id.LastUsedAt,
		ExpiresAt: id.ExpiresAt, FirstSeen: id.FirstSeen, LastSeen: id.LastSeen, NeverUsed: id.LastUsedAt.IsZero(),
		DaysIdle: idleDays(now, id.CreatedAt, id.LastUsedAt), AgeDays: daysSince(now, id.CreatedAt),
		HasExpiry: !id.ExpiresAt.IsZero(), Gone: !id.GoneAt.IsZero()}
	for _, c := range credentialsOf(id) {
		v.Credentials = append(v.Credentials, &credential{ID: text(c.ID), Type: text(c.Type), CreatedAt: c.CreatedAt,
			LastUsedAt: c.LastUsedAt, ExpiresAt: c.ExpiresAt, NeverExpires: c.NeverExpires,
			AgeDays: daysSince(now, c.CreatedAt), DaysIdle: idleDays(now, c.CreatedAt, c.LastUsedAt),
			Expired: !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(now)})
	}
	return v
}

// credentialsOf returns the identity's credentials: those it lists or, for an identity
// that is itself a secret and lists none, one with the identity's own ID and dates.
func credentialsOf(id *nhi.Identity) []nhi.Credential {
	if len(id.Credentials) > 0 {
		return id.Credentials
	}
	switch id.Kind {
	case nhi.KindAPIKey, nhi.KindAppCredential, nhi.KindDeployKey:
		return []nhi.Credential{{ID: id.ExternalID, Type: string(id.Kind), CreatedAt: id.CreatedAt,
			LastUsedAt: id.LastUsedAt, ExpiresAt: id.ExpiresAt}}
	}
	return nil
}

// newApp builds the app view; entry is the intelligence pack's entry for the app, and
// appID is the identity's app reference, used when nhi has no record of the app.
func newApp(a *nhi.App, appID string, admins int, entry risk.IntelEntry, listed bool) *app {
	if a.ExternalID != "" {
		appID = a.ExternalID
	}
	v := &app{Known: a.ExternalID != "", ID: text(appID), Name: text(a.Name), Vendor: text(a.Vendor),
		Anonymous: a.Anonymous, Native: a.Native, Users: a.Users, Identities: a.Identities, Admins: admins,
		Scopes: texts(a.Scopes), Intel: &intel{}}
	if listed {
		v.Intel = &intel{Listed: true, Kind: string(entry.Kind), Vendor: text(entry.Vendor),
			Incident: text(entry.Incident), Date: text(entry.Date), Source: text(entry.Source)}
	}
	return v
}

// newOwner builds the owner view; ownerID is the identity's owner reference.
func newOwner(p *nhi.Person, ownerID string, now time.Time) *owner {
	if p.ExternalID == "" {
		return &owner{ID: text(ownerID), Status: string(nhi.PersonUnknown), DaysSinceLogin: -1}
	}
	status := p.Status
	if !status.Valid() {
		status = nhi.PersonUnknown
	}
	return &owner{Known: true, ID: text(p.ExternalID), Email: text(p.Email), Name: text(p.Name),
		Status: string(status), IsAdmin: p.IsAdmin, OrgUnit: text(p.OrgUnit), CreatedAt: p.CreatedAt, LastLogin: p.LastLogin,
		DaysSinceLogin: daysSince(now, p.LastLogin), Gone: !p.GoneAt.IsZero()}
}

// newPermission builds the view of a catalogue entry (or of an unknown scope).
func newPermission(perm risk.Permission, known bool) *permission {
	return &permission{Scope: text(perm.Scope), Known: known, Tier: perm.Tier.String(), TierRank: int(perm.Tier),
		Data: texts(perm.Data), Label: text(perm.Label)}
}

// newFinding builds the view of a finding.
func newFinding(f *nhi.Finding) *finding {
	return &finding{ID: text(f.ID), Signal: text(f.Signal), Title: text(f.Title), Severity: text(string(f.Severity)),
		SeverityRank: f.Severity.Rank(), Points: f.Points, OWASP: texts(f.OWASP), Evidence: texts(f.Evidence),
		Status: text(string(f.Status)), Subject: text(string(f.SubjectKind))}
}

// text cuts a text of the input to maxFastString bytes.
func text(s string) string { return cut(s, maxFastString) }

// texts returns ss with every text cut to maxFastString bytes, copied only when one is
// longer; nil becomes an empty list.
func texts(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	for i, s := range ss {
		if len(s) > maxFastString {
			out := slices.Clone(ss)
			for j := i; j < len(out); j++ {
				out[j] = text(out[j])
			}
			return out
		}
	}
	return ss
}

// textMap returns m with every key and value cut to maxFastString bytes, copied only when
// one is longer; nil becomes an empty map.
func textMap(m map[string]string) map[string]string {
	long := m == nil
	for k, v := range m {
		long = long || len(k) > maxFastString || len(v) > maxFastString
	}
	if !long {
		return m
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[text(k)] = text(v)
	}
	return out
}
