package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
)

// OIDCConfig configures single sign-on with an OpenID Connect identity provider.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL (discovery is at Issuer/.well-known/openid-configuration).
	Issuer   string
	ClientID string
	// ClientSecret references the client secret (env:NAME or file:PATH).
	ClientSecret connector.SecretRef
	// RedirectURL is this server's callback, ending in /auth/oidc/callback.
	RedirectURL string
	// Scopes are requested beside openid; nil means email and profile.
	Scopes []string
	// RoleClaim names the ID token claim (a string or a list of strings, such as groups)
	// that Roles maps to nhi roles; empty means "groups".
	RoleClaim string
	// Roles maps values of RoleClaim to roles; a user holding several gets the highest.
	Roles map[string]Role
	// DefaultRole is the role of a user none of whose claim values is mapped; empty
	// refuses them.
	DefaultRole Role
	// HTTPClient reaches the provider; nil means a client with a timeout.
	HTTPClient *http.Client
}

// Validate reports every problem of the configuration at once.
func (c *OIDCConfig) Validate() error {
	var errs []string
	if u, err := url.Parse(c.Issuer); err != nil || u.Scheme == "" || u.Host == "" {
		errs = append(errs, "oidc: issuer must be an absolute URL")
	}
	if c.ClientID == "" {
		errs = append(errs, "oidc: a client ID is required")
	}
	if err := c.ClientSecret.Validate(); err != nil {
		errs = append(errs, "oidc: client secret: "+nhi.ErrorMessage(err))
	}
	if u, err := url.Parse(c.RedirectURL); err != nil || u.Scheme == "" || !strings.HasSuffix(u.Path, "/auth/oidc/callback") {
		errs = append(errs, "oidc: the redirect URL must be absolute and end in /auth/oidc/callback")
	}
	for v, r := range c.Roles {
		if !r.Valid() {
			errs = append(errs, "oidc: claim value "+v+" maps to unknown role "+string(r))
		}
	}
	if c.DefaultRole != "" && !c.DefaultRole.Valid() {
		errs = append(errs, "oidc: unknown default role "+string(c.DefaultRole))
	}
	if len(errs) > 0 {
		return nhi.Errorf(nhi.CodeInvalid, "%s", strings.Join(errs, "; "))
	}
	return nil
}

// oidcClient discovers the provider on first use and keeps it.
type oidcClient struct {
	cfg OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
	oauth    *oauth2.Config
}

// oidcCookie carries the state, nonce and PKCE verifier of a sign-in in progress. It is
// SameSite=Lax: the provider's redirect back is a cross-site navigation.
const oidcCookie = "nhi_oidc"

func (c *oidcClient) ctx(ctx context.Context) context.Context {
	client := c.cfg.HTTPClient
	if client == nil {
		client = connector.Env{}.Client()
	}
	return oidc.ClientContext(ctx, client)
}

// setup discovers the provider once.
func (c *oidcClient) setup(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider != nil {
		return c.provider, c.oauth, nil
	}
	p, err := oidc.NewProvider(c.ctx(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, nil, nhi.WrapError(nhi.CodeUnavailable, err, "the identity provider cannot be reached")
	}
	secret, err := c.cfg.ClientSecret.Resolve()
	if err != nil {
		return nil, nil, err
	}
	scopes := c.cfg.Scopes
	if scopes == nil {
		scopes = []string{"email", "profile"}
	}
	c.provider = p
	c.oauth = &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: strings.TrimSpace(string(secret)),
		Endpoint: p.Endpoint(), RedirectURL: c.cfg.RedirectURL, Scopes: append([]string{oidc.ScopeOpenID}, scopes...)}
	return c.provider, c.oauth, nil
}

func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if s.oidc == nil {
		return nhi.Errorf(nhi.CodeNotFound, "single sign-on is not configured")
	}
	_, oc, err := s.oidc.setup(r.Context())
	if err != nil {
		return err
	}
	state, nonce, verifier := randomString(24), randomString(24), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state + "." + nonce + "." + verifier, Path: "/auth/oidc/",
		MaxAge: 600, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
	return nil
}

func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if s.oidc == nil {
		return nhi.Errorf(nhi.CodeNotFound, "single sign-on is not configured")
	}
	c, err := r.Cookie(oidcCookie)
	parts := []string{}
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Path: "/auth/oidc/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	state := r.URL.Query().Get("state")
	if len(parts) != 3 || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(parts[0])) != 1 {
		return nhi.Errorf(nhi.CodeInvalid, "the sign-in expired or did not start here; start again")
	}
	if r.URL.Query().Get("error") != "" {
		return nhi.Errorf(nhi.CodeUnauthorized, "the identity provider refused the sign-in")
	}
	u, err := s.oidcUser(r.Context(), r.URL.Query().Get("code"), parts[1], parts[2])
	if err != nil {
		return err
	}
	if err := s.auth.SaveUser(r.Context(), u); err != nil {
		return err
	}
	if err := s.startSession(w, r, u, "oidc"); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// oidcUser exchanges the code, verifies the ID token and its nonce, and maps its claims
// to a user with a role.
func (s *Server) oidcUser(ctx context.Context, code, nonce, verifier string) (User, error) {
	p, oc, err := s.oidc.setup(ctx)
	if err != nil {
		return User{}, err
	}
	tok, err := oc.Exchange(s.oidc.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return User{}, nhi.WrapError(nhi.CodeUnauthorized, err, "the identity provider did not accept the sign-in code")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return User{}, nhi.Errorf(nhi.CodeUnauthorized, "the identity provider sent no ID token")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: s.oidc.cfg.ClientID, Now: s.cfg.Now}).Verify(s.oidc.ctx(ctx), raw)
	if err != nil {
		return User{}, nhi.WrapError(nhi.CodeUnauthorized, err, "the ID token does not verify")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return User{}, nhi.Errorf(nhi.CodeUnauthorized, "the ID token was not issued for this sign-in")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return User{}, nhi.WrapError(nhi.CodeUnauthorized, err, "the ID token's claims do not parse")
	}
	return s.oidcMap(claims, idt.Subject)
}

// oidcMap turns verified claims into a user: named by a verified e-mail (else the
// subject), with the highest role its claim values map to.
func (s *Server) oidcMap(claims map[string]any, subject string) (User, error) {
	cfg := s.oidc.cfg
	email, _ := claims["email"].(string)
	if v, ok := claims["email_verified"].(bool); ok && !v {
		email = ""
	}
	name := nhi.CleanText(email)
	if name == "" {
		name = "oidc:" + nhi.CleanText(subject)
	}
	claim := cfg.RoleClaim
	if claim == "" {
		claim = "groups"
	}
	var values []string
	switch v := claims[claim].(type) {
	case string:
		values = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				values = append(values, s)
			}
		}
	}
	role := cfg.DefaultRole
	for _, v := range values {
		if r, ok := cfg.Roles[v]; ok && r.rank() > role.rank() {
			role = r
		}
	}
	if !role.Valid() {
		return User{}, nhi.Errorf(nhi.CodeForbidden, "your identity provider account holds no role in nhi; ask an administrator")
	}
	return User{Name: name, Email: nhi.CleanText(email), Role: role, Source: SourceOIDC, CreatedAt: s.now()}, nil
}
