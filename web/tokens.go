package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/nhiscope/nhi"
)

// The lifetimes of API tokens.
const (
	defaultTokenDays = 90
	maxTokenDays     = 366
)

// tokenCreated is the answer of POST /api/v1/tokens: the only time the secret is shown.
type tokenCreated struct {
	Token  Token  `json:"token"`
	Secret string `json:"secret"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, p *principal) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	owner := p.User.Name
	if p.User.Role == RoleAdmin {
		owner = ""
	}
	items, err := s.auth.ListTokens(r.Context(), owner)
	if err != nil {
		return err
	}
	writeList(w, items, "")
	return nil
}

// createToken mints an API token for the signed-in user with scopes the user's role
// holds, expiring within a year.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in struct {
		Name          string   `json:"name"`
		Scopes        []string `json:"scopes"`
		ExpiresInDays int      `json:"expires_in_days"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	in.Name = nhi.CleanText(in.Name)
	days := in.ExpiresInDays
	if days == 0 {
		days = defaultTokenDays
	}
	switch {
	case in.Name == "":
		return nhi.Errorf(nhi.CodeInvalid, "name the token (what uses it)")
	case days < 1 || days > maxTokenDays:
		return nhi.Errorf(nhi.CodeInvalid, "expires_in_days: want 1 to %d", maxTokenDays)
	case len(in.Scopes) == 0:
		return nhi.Errorf(nhi.CodeInvalid, "scopes: name at least one of read, write, approve, admin")
	}
	scopes := []string{}
	for _, sc := range in.Scopes {
		switch {
		case !slices.Contains(Scopes(), sc):
			return nhi.Errorf(nhi.CodeInvalid, "scope %q: want read, write, approve or admin", sc)
		case !p.User.Role.allows(sc):
			return nhi.Errorf(nhi.CodeForbidden, "your role (%s) does not hold scope %s", p.User.Role, sc)
		case !slices.Contains(scopes, sc):
			scopes = append(scopes, sc)
		}
	}
	now := s.now()
	secret := tokenPrefix + randomString(32)
	t := Token{ID: "tok_" + randomString(12), Name: in.Name, User: p.User.Name, Scopes: scopes,
		CreatedAt: now, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour)}
	if err := s.auth.CreateToken(r.Context(), t, sha256Hex(secret)); err != nil {
		return err
	}
	if err := appendAudit(r.Context(), s.st, now, p.actor(), auditTokenCreated, "token:"+t.ID,
		map[string]any{"name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenCreated{Token: t, Secret: secret})
	return nil
}

// revokeToken revokes one of the caller's tokens (any token, for an admin).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("id")
	mine, err := s.auth.ListTokens(r.Context(), p.User.Name)
	if err != nil {
		return err
	}
	if p.User.Role != RoleAdmin && !slices.ContainsFunc(mine, func(t Token) bool { return t.ID == id }) {
		return nhi.Errorf(nhi.CodeNotFound, "no token %q of yours", id)
	}
	now := s.now()
	t, err := s.auth.RevokeToken(r.Context(), id, now)
	if err != nil {
		return err
	}
	if err := appendAudit(r.Context(), s.st, now, p.actor(), auditTokenRevoked, "token:"+t.ID,
		map[string]any{"name": t.Name, "owner": t.User}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	users, err := s.auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	writeList(w, users, "")
	return nil
}

// userCreated is the answer of POST /api/v1/users: the password is shown only when the
// server generated it.
type userCreated struct {
	User     User   `json:"user"`
	Password string `json:"password,omitempty"`
}

// createUser adds a local user; without a password in the body, one is generated and
// returned once.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p *principal) error {
	var in struct {
		Username string `json:"username"`
		Email    string `json:"email"`
		Role     Role   `json:"role"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out := userCreated{}
	if in.Password == "" {
		in.Password = randomString(18)
		out.Password = in.Password
	}
	now := s.now()
	u := User{Name: in.Username, Email: in.Email, Role: in.Role}
	if err := CreateUser(r.Context(), s.auth, s.st, p.actor(), u, in.Password, now); err != nil {
		return err
	}
	created, _, err := s.auth.User(r.Context(), nhi.CleanText(in.Username))
	if err != nil {
		return err
	}
	out.User = created
	writeJSON(w, http.StatusCreated, out)
	return nil
}
