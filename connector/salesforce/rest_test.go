package salesforce

import (
	"errors"
	"testing"
)

// TestParseLimitInfo checks the Sforce-Limit-Info header parser.
func TestParseLimitInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		h         string
		used, max int
		ok        bool
	}{
		{"api-usage=12/100000", 12, 100000, true},
		{"per-app-api-usage=1/10(appName=x), api-usage=7/15000", 7, 15000, true},
		{"api-usage=7/0", 0, 0, false},
		{"api-usage=x/10", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		used, max, ok := parseLimitInfo(tt.h)
		if used != tt.used || max != tt.max || ok != tt.ok {
			t.Errorf("parseLimitInfo(%q) = %d, %d, %v; want %d, %d, %v", tt.h, used, max, ok, tt.used, tt.max, tt.ok)
		}
	}
}

// TestBudgetStopsAtReserve checks that a budgeted operation stops once the usage the
// headers reported reaches the reserve, and that remediation does not.
func TestBudgetStopsAtReserve(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: validConfig().withDefaults()}
	data := call{path: "/services/data/v62.0/query?q=x"}
	c.usage.set("api-usage=899/1000")
	if err := c.newRest(nil, true).checkBudget(data); err != nil {
		t.Errorf("101 requests left above a reserve of 100: %v", err)
	}
	c.usage.set("api-usage=900/1000")
	if err := c.newRest(nil, true).checkBudget(data); !errors.Is(err, errBudget) {
		t.Errorf("at the reserve: %v, want errBudget", err)
	}
	if err := c.newRest(nil, false).checkBudget(data); err != nil {
		t.Errorf("remediation stopped at the reserve: %v", err)
	}
}

// TestNextLink checks that only query continuations of the configured version are
// followed.
func TestNextLink(t *testing.T) {
	t.Parallel()
	c := &Connector{cfg: validConfig().withDefaults()}
	for l, want := range map[string]bool{
		"/services/data/v62.0/query/01gRO0000016PIAYA2-2000":    true,
		"/services/data/v62.0/queryAll/01gRO0000016PIAYA2-2000": true,
		"https://evil.example/services/data/v62.0/query/x":      false,
		"/services/data/v62.0/query/../sobjects/User":           false,
		"/services/data/v62.0/query/x?y=1":                      false,
		"/services/data/v61.0/query/x":                          false,
		"/services/data/v62.0/query/":                           false,
	} {
		if got := c.nextLink(l); got != want {
			t.Errorf("nextLink(%q) = %v, want %v", l, got, want)
		}
	}
}
