package googleworkspace

import (
	"errors"
	"testing"
)

func TestDenials(t *testing.T) {
	t.Parallel()
	denied := apiErr(403, "forbidden", "")
	other := apiErr(403, "domainPolicy", "")
	tests := []struct {
		name string
		// seq is the answers in order: an error, or nil for a success.
		seq  []error
		want bool // after the last answer
	}{
		{"one short", repeat(denied, maxDenials-1), false},
		{"a run", repeat(denied, maxDenials), true},
		{"success in between", append(append(repeat(denied, maxDenials-1), nil), denied), false},
		{"another reason in between", append(append(repeat(denied, maxDenials-1), other), denied), false},
		{"server errors do not count", repeat(apiErr(500, "backendError", ""), maxDenials), false},
		{"throttling does not count", repeat(apiErr(403, "rateLimitExceeded", ""), maxDenials), false},
		{"missing scope does not count", repeat(apiErr(403, "insufficientPermissions", ""), maxDenials), false},
		{"other errors do not count", repeat(errors.New("dial"), maxDenials), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d denials
			got := false
			for _, err := range tt.seq {
				if err == nil {
					d.ok()
					got = false
					continue
				}
				got = d.failed(err)
			}
			if got != tt.want {
				t.Errorf("after %d answers: stop = %v, want %v", len(tt.seq), got, tt.want)
			}
		})
	}
}

// repeat returns n copies of err.
func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}
