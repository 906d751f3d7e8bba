package githubsim

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// Options configure a Server. The zero value of each field means the default noted.
type Options struct {
	// MaxPageSize is the largest per_page honoured; 0 means 100, GitHub's maximum. A
	// request without per_page gets 30 items a page (or MaxPageSize when smaller).
	MaxPageSize int
	// Now is the clock: the time JWTs and installation tokens are checked against, rate
	// limits count by and changes are stamped with in the audit log. nil means the
	// estate's Options.Now (a fixed instant, so that answers are reproducible) or, when
	// the estate has none, time.Now.
	Now func() time.Time
	// HourlyLimit is the primary rate limit: requests per hour for each installation
	// (all its tokens together), for the owner's personal access token and for the
	// app's JWTs, counted per resource (core, graphql, audit_log). 0 means 5000. An
	// exhausted limit answers 403 with x-ratelimit-remaining 0 and x-ratelimit-reset.
	HourlyLimit int
	// SecondaryPerMinute is the secondary rate limit: more than this many requests of one
	// caller within a minute are answered 429 with retry-after. 0 means no secondary
	// limit.
	SecondaryPerMinute int
	// AppKey is the private key of nhi's own GitHub App; nil means a fresh 2048-bit key,
	// made on first use. Tests that build many servers share one key to save time.
	AppKey *rsa.PrivateKey
	// MaxRequestLog is how many requests the log keeps (the oldest are dropped first); 0
	// means 100,000.
	MaxRequestLog int
}

// The defaults of Options.
const (
	defaultHourlyLimit   = 5000
	defaultMaxRequestLog = 100_000
	maxPerPage           = 100
	defaultPerPage       = 30
)

// validate reports every problem with the options and the estate at once.
func (o Options) validate(e *estate.Estate) error {
	var errs []error
	switch {
	case e == nil:
		errs = append(errs, errors.New("estate is nil"))
	case e.GitHub == nil:
		errs = append(errs, errors.New("estate has no GitHub organizations"))
	default:
		errs = append(errs, checkEstate(e.GitHub))
	}
	if o.MaxPageSize < 0 || o.HourlyLimit < 0 || o.SecondaryPerMinute < 0 || o.MaxRequestLog < 0 {
		errs = append(errs, errors.New("page size, rate limits and request log size must not be negative"))
	}
	if o.MaxPageSize > maxPerPage {
		errs = append(errs, fmt.Errorf("max page size %d is over GitHub's %d", o.MaxPageSize, maxPerPage))
	}
	if o.AppKey != nil && o.AppKey.N.BitLen() < 2048 {
		errs = append(errs, errors.New("app key must have at least 2048 bits"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("githubsim: %w", err)
	}
	return nil
}
