package salesforce

import (
	"context"
	"strconv"
	"strings"
	"sync"
)

// apiUsage is the org's daily API usage as the last Sforce-Limit-Info header said.
type apiUsage struct {
	mu        sync.Mutex
	used, max int
}

// set records a Sforce-Limit-Info header ("api-usage=12/100000").
func (u *apiUsage) set(h string) {
	if used, max, ok := parseLimitInfo(h); ok {
		u.setValues(used, max)
	}
}

// setValues records a usage read from the limits resource.
func (u *apiUsage) setValues(used, max int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.used, u.max = used, max
}

// get returns the last usage; max is 0 while none is known.
func (u *apiUsage) get() (used, max int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.used, u.max
}

// parseLimitInfo reads "api-usage=<used>/<max>" out of a Sforce-Limit-Info header, which
// may list other usages too.
func parseLimitInfo(h string) (used, max int, ok bool) {
	for part := range strings.SplitSeq(h, ",") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !found {
			continue
		}
		a, b, found := strings.Cut(v, "/")
		u, err1 := strconv.Atoi(strings.TrimSpace(a))
		m, err2 := strconv.Atoi(strings.TrimSpace(b))
		if found && err1 == nil && err2 == nil && u >= 0 && m > 0 {
			return u, m, true
		}
	}
	return 0, 0, false
}

// checkBudget refuses a request of a budgeted operation once the org's daily usage has
// reached the reserve.
func (r *rest) checkBudget(cl call) error {
	if !r.budget || !strings.HasPrefix(cl.path, "/services/data/") {
		return nil
	}
	used, max := r.c.usage.get()
	if max > 0 && max-used <= max*r.c.cfg.APIReservePercent/100 {
		return errBudget
	}
	return nil
}

// checkLimits reads the org's daily API allocation and refuses to go on when fewer
// than need requests are left above the reserve.
func (c *Connector) checkLimits(ctx context.Context, r *rest, need int) error {
	var l limitsAnswer
	if err := r.getJSON(ctx, c.dataPath("limits"), resLimits, &l); err != nil {
		return err
	}
	if l.DailyAPIRequests == nil || l.DailyAPIRequests.Max <= 0 {
		return nil // an org that does not say; the Sforce-Limit-Info headers still guard
	}
	max, left := l.DailyAPIRequests.Max, l.DailyAPIRequests.Remaining
	c.usage.setValues(max-left, max)
	if left-max*c.cfg.APIReservePercent/100 < need {
		return errBudget
	}
	return nil
}
