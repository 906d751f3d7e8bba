package connector

import (
	"fmt"
	"os"
	"strings"

	"github.com/nhiscope/nhi"
)

// SecretRef references secret material instead of containing it: "env:NAME" reads the
// environment variable NAME, "file:PATH" reads the file at PATH. Configuration files hold
// references only, so they can be committed and shown.
type SecretRef string

// Validate reports whether the reference has a known form, without reading the secret.
func (s SecretRef) Validate() error {
	kind, rest, ok := strings.Cut(string(s), ":")
	switch {
	case s == "":
		return nhi.Errorf(nhi.CodeInvalid, "secret reference is empty (want env:NAME or file:PATH)")
	case !ok || (kind != "env" && kind != "file"):
		return nhi.Errorf(nhi.CodeInvalid, "secret reference must be env:NAME or file:PATH, not a literal secret")
	case rest == "":
		return nhi.Errorf(nhi.CodeInvalid, "secret reference %q names nothing", kind+":")
	}
	return nil
}

// Resolve reads the secret. Error messages name the reference, never the secret.
func (s SecretRef) Resolve() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	kind, rest, _ := strings.Cut(string(s), ":")
	if kind == "env" {
		v, ok := os.LookupEnv(rest)
		if !ok || v == "" {
			return nil, nhi.Errorf(nhi.CodeInvalid, "environment variable %s is not set", rest)
		}
		return []byte(v), nil
	}
	b, err := os.ReadFile(rest)
	if err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, fmt.Sprintf("cannot read secret file %s", rest))
	}
	return b, nil
}
