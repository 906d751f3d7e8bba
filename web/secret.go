package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The argon2id parameters of password hashes (OWASP's recommendation: 19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// minPasswordLen is the shortest password a local user may have.
const minPasswordLen = 12

// randomString returns n random bytes, base64url-encoded without padding.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// sha256Hex returns the SHA-256 of s in hex: how session IDs and token secrets are kept.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// HashPassword returns the argon2id hash of password in the PHC string format.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword reports whether password matches an argon2id hash made by HashPassword.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a user does not exist, so that the time a failed
// sign-in takes does not say whether the user exists.
var dummyHash = HashPassword(randomString(16))

// CreateUser adds a local user with the given password (at least 12 characters) and
// records it in the audit trail as done by actor.
func CreateUser(ctx context.Context, auth AuthStore, audit store.Audit, actor string, u User, password string, now time.Time) error {
	u.Name, u.Email = nhi.CleanText(u.Name), nhi.CleanText(u.Email)
	switch {
	case u.Name == "" || len(u.Name) > 128 || strings.ContainsAny(u.Name, " /"):
		return nhi.Errorf(nhi.CodeInvalid, "a user name is 1 to 128 characters without spaces or slashes")
	case !u.Role.Valid():
		return nhi.Errorf(nhi.CodeInvalid, "role %q: want viewer, analyst, approver or admin", u.Role)
	case len(password) < minPasswordLen:
		return nhi.Errorf(nhi.CodeInvalid, "a password has at least %d characters", minPasswordLen)
	}
	u.Source, u.CreatedAt = SourceLocal, now.UTC()
	if err := auth.CreateUser(ctx, u, HashPassword(password)); err != nil {
		return err
	}
	return appendAudit(ctx, audit, now, actor, auditUserCreated, "user:"+u.Name, map[string]any{"role": u.Role, "source": u.Source})
}

// BootstrapUser is the name of the administrator Bootstrap creates.
const BootstrapUser = "admin"

// Bootstrap creates the administrator "admin" with a random password when no user exists
// yet, and returns the password: the caller shows it once; only its hash is stored. It
// returns "" when users exist already.
func Bootstrap(ctx context.Context, auth AuthStore, audit store.Audit, now time.Time) (string, error) {
	n, err := auth.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	password := randomString(18)
	err = CreateUser(ctx, auth, audit, "nhi bootstrap", User{Name: BootstrapUser, Role: RoleAdmin}, password, now)
	if nhi.ErrorCode(err) == nhi.CodeConflict {
		return "", nil // another process bootstrapped at the same moment
	}
	if err != nil {
		return "", err
	}
	return password, nil
}

// The audit entry kinds of the web package, beside those of remediation.
const (
	auditLogin             nhi.AuditKind = "auth.login"
	auditLoginFailed       nhi.AuditKind = "auth.login_failed"
	auditLogout            nhi.AuditKind = "auth.logout"
	auditUserCreated       nhi.AuditKind = "user.created"
	auditTokenCreated      nhi.AuditKind = "token.created"
	auditTokenRevoked      nhi.AuditKind = "token.revoked"
	auditFindingSuppress   nhi.AuditKind = "finding.suppressed"
	auditFindingUnsuppress nhi.AuditKind = "finding.unsuppressed"
	auditPlanExecuted      nhi.AuditKind = "plan.executed"
)

// appendAudit records one write in the audit trail.
func appendAudit(ctx context.Context, audit store.Audit, now time.Time, actor string, kind nhi.AuditKind, target string, detail map[string]any) error {
	var b []byte
	if detail != nil {
		var err error
		if b, err = json.Marshal(detail); err != nil {
			return fmt.Errorf("web: audit detail: %w", err)
		}
	}
	_, err := audit.AppendAudit(context.WithoutCancel(ctx), nhi.AuditEntry{Time: now.UTC(), Actor: actor, Kind: kind, Target: target, Detail: b})
	if err != nil {
		return fmt.Errorf("web: audit %s: %w", kind, err)
	}
	return nil
}
