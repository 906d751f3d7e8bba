package entrasim

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"slices"
)

// ClientCredentials returns the client ID and secret of the default client app, the one
// Options.Roles configures: what a connector puts in its configuration to authenticate
// with client_id and client_secret. The secret is fresh for every Server.
func (s *Server) ClientCredentials() (clientID, secret string) {
	c, _ := s.auth.client(s.auth.first)
	return c.id, c.secret
}

// AddClient registers another client app, named name, with the given application
// permissions (say ReadRoles() plus RemediationRoles() for a remediator kept apart from
// the scanner), and returns its credentials.
func (s *Server) AddClient(name string, roles ...string) (clientID, secret string, err error) {
	if name == "" {
		return "", "", fmt.Errorf("entrasim: add client: name is required")
	}
	c, err := s.auth.addClient(name, roles)
	if err != nil {
		return "", "", err
	}
	return c.id, c.secret, nil
}

// SetRoles replaces the application permissions granted to a client app. Tokens issued
// before keep the roles they were issued with, as Entra ID's do.
func (s *Server) SetRoles(clientID string, roles ...string) error {
	if err := checkRoles(roles); err != nil {
		return fmt.Errorf("entrasim: set roles: %w", err)
	}
	a := s.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clients[clientID]
	if !ok {
		return fmt.Errorf("set roles of %q: %w", clientID, errNoClient)
	}
	c.roles = slices.Clone(roles)
	return nil
}

// ClientCertificate returns the certificate registered for a client app and its private
// key, made on first use: a client may authenticate with a client_assertion JWT signed
// with the key (RS256 or PS256, x5t or x5t#S256 header naming the certificate).
func (s *Server) ClientCertificate(clientID string) (*x509.Certificate, *rsa.PrivateKey, error) {
	c, ok := s.auth.client(clientID)
	if !ok {
		return nil, nil, fmt.Errorf("client certificate of %q: %w", clientID, errNoClient)
	}
	return c.certificate(s.clock())
}

// AccessToken issues an access token for a client app directly, as the token endpoint
// would: a shortcut for tests and benchmarks that do not exercise the OAuth flow.
func (s *Server) AccessToken(clientID string) (string, error) {
	c, ok := s.auth.client(clientID)
	if !ok {
		return "", fmt.Errorf("access token of %q: %w", clientID, errNoClient)
	}
	return s.auth.issue(c, s.clock())
}
