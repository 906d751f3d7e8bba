package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/connectortest"
	"github.com/nhiscope/nhi/estate"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// rsaKey returns an RSA key shared by the tests (generating one is slow).
func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

// keyFile writes key as PEM to a temporary file and returns its reference.
func keyFile(t testing.TB, key *rsa.PrivateKey) connector.SecretRef {
	t.Helper()
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	path := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return connector.SecretRef("file:" + path)
}

// secretFile writes a secret to a temporary file and returns its reference.
func secretFile(t testing.TB, secret string) connector.SecretRef {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	return connector.SecretRef("file:" + path)
}

var (
	otherOnce sync.Once
	otherKey  *rsa.PrivateKey
)

// rsaKeyOther returns a second RSA key, which GitHub does not know.
func rsaKeyOther(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	otherOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		otherKey = k
	})
	return otherKey
}

// connectortestRecorder returns a recorder of a scan.
func connectortestRecorder() *connectortest.Recorder { return connectortest.NewRecorder() }

// estateRepo is the estate's repository type.
type estateRepo = estate.GHRepo

// connectortestSetup returns a setup with the given page size.
func connectortestSetup(pageSize int) connectortest.Setup {
	return connectortest.Setup{PageSize: pageSize}
}

// mapsValues returns the values of m.
func mapsValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
