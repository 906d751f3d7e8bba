package salesforcesim

import (
	"errors"
	"fmt"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Defaults of Options.
const (
	defaultDailyLimit = 100_000
	defaultMaxBatch   = 2000
	minBatch          = 200
	// sessionTTL is how long an access token lives (the org's session timeout).
	sessionTTL = 2 * time.Hour
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// Now is the clock of the org: access tokens, JWT assertions, event log files and
	// date literals such as TODAY are judged by it. nil means the estate's Options.Now
	// or, without one, the hour after the latest time in the org.
	Now func() time.Time
	// DailyLimit is the DailyApiRequests maximum; 0 means 100,000. Once every request is
	// spent, REST calls are answered 403 REQUEST_LIMIT_EXCEEDED.
	DailyLimit int
	// MaxBatch is the largest query batch; 0 means 2,000. A client's
	// Sforce-Query-Options batchSize (200 to 2,000) is honoured up to it; set it lower
	// than 200 to force paging over a small org.
	MaxBatch int
}

// validate reports every problem with the options and the estate at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	switch {
	case e == nil:
		errs = append(errs, errors.New("estate is nil"))
	case e.Salesforce == nil:
		errs = append(errs, errors.New("estate has no Salesforce org"))
	case e.Salesforce.OrgID == "":
		errs = append(errs, errors.New("the Salesforce org has no ID"))
	default:
		errs = append(errs, checkOrg(e.Salesforce))
	}
	if o.DailyLimit < 0 || o.MaxBatch < 0 {
		errs = append(errs, errors.New("daily limit and max batch must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("salesforcesim: %w", err)
	}
	return nil
}

// checkOrg reports indexes out of range in the org, which would make answers panic.
func checkOrg(sf *estate.Salesforce) error {
	var errs []error
	users, apps := int32(len(sf.Users)), int32(len(sf.Apps))
	for i, t := range sf.Tokens {
		if t.App < 0 || t.App >= apps || t.User < 0 || t.User >= users {
			errs = append(errs, fmt.Errorf("token %d: app or user out of range", i))
		}
	}
	for i, l := range sf.Logins {
		if l.User < 0 || l.User >= users {
			errs = append(errs, fmt.Errorf("login %d: user out of range", i))
		}
	}
	for i, ev := range sf.APIEvents {
		if ev.User < 0 || ev.User >= users || ev.App < -1 || ev.App >= apps {
			errs = append(errs, fmt.Errorf("API event %d: user or app out of range", i))
		}
	}
	return errors.Join(errs...)
}

// dataNow returns the estate's generation time or, without one, the hour after the
// latest time in its org.
func dataNow(e *estate.Estate) time.Time {
	if !e.Options.Now.IsZero() {
		return e.Options.Now
	}
	var t time.Time
	later := func(u time.Time) {
		if u.After(t) {
			t = u
		}
	}
	sf := e.Salesforce
	for _, u := range sf.Users {
		later(u.CreatedAt)
		later(u.LastLoginAt)
	}
	for _, tk := range sf.Tokens {
		later(tk.CreatedAt)
		later(tk.LastUsedAt)
	}
	for _, l := range sf.Logins {
		later(l.Time)
	}
	for _, ev := range sf.APIEvents {
		later(ev.Time)
	}
	if t.IsZero() {
		return time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Add(time.Hour).Truncate(time.Hour)
}
