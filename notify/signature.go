package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The headers of a signed webhook delivery.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256>"; see Sign.
	SignatureHeader = "Nhi-Signature"
	// DeliveryHeader carries the delivery ID (Message.DeliveryID): the same notice
	// retried or sent again carries the same ID, so receivers can drop duplicates.
	DeliveryHeader = "Nhi-Delivery-Id"
)

// DefaultTolerance is how far a signature's timestamp may be from the receiver's clock
// when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Limits of a signature header, so that parsing a hostile one stays cheap.
const (
	maxHeaderLen  = 4096
	maxSignatures = 8
	// maxTimestampDigits keeps Unix seconds far from overflowing a time.Duration.
	maxTimestampDigits = 11
)

// The reasons Verify rejects a delivery. Verify wraps them in an *nhi.Error with code
// CodeUnauthorized (CodeInvalid for ErrNoSecret); test with errors.Is.
var (
	// ErrNoSecret says the secret is empty: nothing can be verified with it.
	ErrNoSecret = errors.New("notify: empty signing secret")
	// ErrMalformedSignature says the header is missing or cannot be parsed.
	ErrMalformedSignature = errors.New("notify: missing or malformed signature header")
	// ErrStaleSignature says the timestamp is outside the tolerance (a replay, or a
	// clock far off).
	ErrStaleSignature = errors.New("notify: signature timestamp outside tolerance")
	// ErrSignatureMismatch says no v1 signature matches the body and the secret.
	ErrSignatureMismatch = errors.New("notify: signature does not match")
)

// Sign returns the SignatureHeader value for body sent at time t:
// "t=<unix seconds>,v1=<hex of HMAC-SHA256(secret, "<unix seconds>.<body>")>".
func Sign(secret, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

// mac returns HMAC-SHA256(secret, ts + "." + body).
func mac(secret []byte, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a delivery as a receiver: header is the SignatureHeader value, body the
// raw request body, now the receiver's clock. The timestamp must be within tolerance of
// now, either way (DefaultTolerance when tolerance <= 0), and one v1 signature must match;
// keys other than t and v1 are ignored, so that later schemes can be added alongside.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if len(secret) == 0 {
		return nhi.WrapError(nhi.CodeInvalid, ErrNoSecret, "cannot verify webhook signature")
	}
	ts, sigs, ok := parseSignature(header)
	if !ok {
		return rejected(ErrMalformedSignature)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	sec, _ := strconv.ParseInt(ts, 10, 64) // parseSignature checked the digits
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return rejected(ErrStaleSignature)
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return rejected(ErrSignatureMismatch)
}

// rejected wraps a reason to reject a delivery.
func rejected(err error) error {
	return nhi.WrapError(nhi.CodeUnauthorized, err, "webhook signature rejected")
}

// parseSignature splits a SignatureHeader value into its timestamp digits and its v1
// signatures. It fails on a missing, repeated or non-numeric t, on no valid v1, on a v1
// that is not 64 hex digits, and on oversized headers.
func parseSignature(header string) (ts string, sigs [][]byte, ok bool) {
	if len(header) > maxHeaderLen {
		return "", nil, false
	}
	for part := range strings.SplitSeq(header, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", nil, false
		}
		switch k {
		case "t":
			if ts != "" || !digits(v) {
				return "", nil, false
			}
			ts = v
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != sha256.Size || len(sigs) == maxSignatures {
				return "", nil, false
			}
			sigs = append(sigs, b)
		}
	}
	return ts, sigs, ts != "" && len(sigs) > 0
}

// digits reports whether s is 1 to maxTimestampDigits ASCII digits.
func digits(s string) bool {
	if s == "" || len(s) > maxTimestampDigits {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
