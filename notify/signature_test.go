package notify

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

func TestSignKnownVector(t *testing.T) {
	t.Parallel()
	// HMAC-SHA256(key "key", "1700000000.{}"), computed independently with
	// `printf '1700000000.{}' | openssl dgst -sha256 -hmac key`.
	got := Sign([]byte("key"), []byte("{}"), time.Unix(1700000000, 0))
	want := "t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"version":1}`)
	valid := Sign([]byte(testSecret), body, t0)
	other := Sign([]byte("another-secret-of-16+"), body, t0)
	sig := strings.TrimPrefix(valid, "t="+itoa(t0.Unix())+",")
	tests := []struct {
		name      string
		secret    string
		header    string
		body      []byte
		now       time.Time
		tolerance time.Duration
		want      error
	}{
		{"valid", testSecret, valid, body, t0, 0, nil},
		{"valid within tolerance", testSecret, valid, body, t0.Add(299 * time.Second), 0, nil},
		{"valid from a clock ahead", testSecret, valid, body, t0.Add(-4 * time.Minute), 0, nil},
		{"valid with spaces and an unknown scheme", testSecret, " t=" + itoa(t0.Unix()) + " , v0=zz , " + sig, body, t0, 0, nil},
		{"valid among several v1", testSecret, other + "," + sig, body, t0, 0, nil},
		{"wrong secret", "another-secret-of-16+x", valid, body, t0, 0, ErrSignatureMismatch},
		{"tampered body", testSecret, valid, []byte(`{"version":2}`), t0, 0, ErrSignatureMismatch},
		{"body with a byte appended", testSecret, valid, append(append([]byte(nil), body...), ' '), t0, 0, ErrSignatureMismatch},
		{"stale", testSecret, valid, body, t0.Add(301 * time.Second), 0, ErrStaleSignature},
		{"stale with a tight tolerance", testSecret, valid, body, t0.Add(2 * time.Second), time.Second, ErrStaleSignature},
		{"from the future", testSecret, valid, body, t0.Add(-10 * time.Minute), 0, ErrStaleSignature},
		{"timestamp swapped", testSecret, "t=" + itoa(t0.Unix()+1) + "," + sig, body, t0, 0, ErrSignatureMismatch},
		{"empty header", testSecret, "", body, t0, 0, ErrMalformedSignature},
		{"no v1", testSecret, "t=" + itoa(t0.Unix()), body, t0, 0, ErrMalformedSignature},
		{"no t", testSecret, sig, body, t0, 0, ErrMalformedSignature},
		{"two t", testSecret, "t=1,t=2," + sig, body, t0, 0, ErrMalformedSignature},
		{"negative t", testSecret, "t=-1," + sig, body, t0, 0, ErrMalformedSignature},
		{"t with a sign", testSecret, "t=+" + itoa(t0.Unix()) + "," + sig, body, t0, 0, ErrMalformedSignature},
		{"huge t", testSecret, "t=999999999999999999999," + sig, body, t0, 0, ErrMalformedSignature},
		{"short v1", testSecret, "t=" + itoa(t0.Unix()) + ",v1=abcd", body, t0, 0, ErrMalformedSignature},
		{"non-hex v1", testSecret, "t=" + itoa(t0.Unix()) + ",v1=" + strings.Repeat("g", 64), body, t0, 0, ErrMalformedSignature},
		{"part without =", testSecret, valid + ",junk", body, t0, 0, ErrMalformedSignature},
		{"too many v1", testSecret, "t=" + itoa(t0.Unix()) + strings.Repeat(","+sig, maxSignatures+1), body, t0, 0, ErrMalformedSignature},
		{"oversized header", testSecret, valid + "," + strings.Repeat("x=y,", maxHeaderLen/4), body, t0, 0, ErrMalformedSignature},
		{"empty secret", "", valid, body, t0, 0, ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Verify([]byte(tt.secret), tt.header, tt.body, tt.now, tt.tolerance)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
			wantCode := nhi.Code("")
			switch tt.want {
			case nil:
			case ErrNoSecret:
				wantCode = nhi.CodeInvalid
			default:
				wantCode = nhi.CodeUnauthorized
			}
			if got := nhi.ErrorCode(err); got != wantCode {
				t.Errorf("code = %q, want %q", got, wantCode)
			}
		})
	}
}

// itoa formats n in decimal.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
