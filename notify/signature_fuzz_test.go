package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
)

// FuzzVerify feeds Verify arbitrary headers and bodies. It must not panic, must only
// return nil or an unauthorized error, must never accept a header under a secret other
// than the one that signed it, and must accept what Sign produced for the same body.
func FuzzVerify(f *testing.F) {
	body := []byte(`{"version":1,"type":"nhi.owner_notice"}`)
	valid := Sign([]byte(testSecret), body, t0)
	for _, seed := range []string{valid, "", "t=", "v1=", ",", "t=1,v1=" + strings.Repeat("0", 64),
		valid + "," + valid, " t=1700000000 ,v1=zz", "t=99999999999,v1=00", strings.Repeat("t=1,", 50)} {
		f.Add(seed, body, int64(0))
	}
	f.Fuzz(func(t *testing.T, header string, body []byte, skew int64) {
		now := t0.Add(time.Duration(skew%3600) * time.Second)
		err := Verify([]byte(testSecret), header, body, now, time.Hour)
		if code := nhi.ErrorCode(err); code != "" && code != nhi.CodeUnauthorized {
			t.Fatalf("Verify(%q) code %q: %v", header, code, err)
		}
		if err == nil && Verify([]byte("some-other-secret-value"), header, body, now, time.Hour) == nil {
			t.Fatalf("header %q verified under two secrets", header)
		}
		signed := Sign([]byte(testSecret), body, now)
		if err := Verify([]byte(testSecret), signed, body, now, 0); err != nil {
			t.Fatalf("Verify(Sign(body)) = %v", err)
		}
		if err := Verify([]byte(testSecret), signed, append(append([]byte(nil), body...), 'x'), now, 0); err == nil {
			t.Fatal("Verify accepted a tampered body")
		}
	})
}
