package web

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// summaryTTL is how long the dashboard's figures are reused before a background refresh.
// The store keeps the totals they come from, so computing them no longer reads the
// inventory; it still reads every app (for the risk order and the vendors) and the
// identities of every suspended or departed owner, which the cache spares the apps list's
// pages and repeated dashboard loads.
const summaryTTL = 30 * time.Second

// The sizes of the dashboard's lists.
const (
	topVendors   = 10
	topExpiring  = 20
	topDebt      = 20
	trendScans   = 60
	expiringDays = 30
)

// summary is what the dashboard and the apps' risk order need from the whole inventory.
type summary struct {
	at       time.Time
	appRisk  map[string]int
	severity map[nhi.Severity]int
	vendors  []vendorRisk
	expiring []expiringCredential
	expTotal int
	debt     debt
}

// vendorRisk is one vendor's open findings.
type vendorRisk struct {
	Vendor      string       `json:"vendor"`
	Apps        int          `json:"apps"`
	Identities  int          `json:"identities"`
	Findings    int          `json:"findings"`
	Points      int          `json:"points"`
	MaxSeverity nhi.Severity `json:"max_severity"`
}

// expiringCredential is a credential (or identity) that expires within 30 days.
type expiringCredential struct {
	IdentityID   string       `json:"identity_id"`
	Name         string       `json:"name"`
	Platform     nhi.Platform `json:"platform"`
	Kind         nhi.Kind     `json:"kind"`
	CredentialID string       `json:"credential_id,omitempty"`
	ExpiresAt    time.Time    `json:"expires_at"`
}

// debt is the identities whose owners are suspended or departed: offboarding left undone.
type debt struct {
	Suspended  int            `json:"suspended"`
	Departed   int            `json:"departed"`
	Identities []nhi.Identity `json:"identities"`
}

// summaryCache keeps one computed value for summaryTTL. The first request computes it
// while the others wait; after that a stale value is served at once while one
// background refresh replaces it.
type summaryCache struct {
	mu         sync.Mutex
	cur        *summary
	refreshing bool
}

// invalidate makes the next get compute afresh.
func (c *summaryCache) invalidate() {
	c.mu.Lock()
	c.cur = nil
	c.mu.Unlock()
}

// get returns the cached value, computing it with compute when there is none.
func (c *summaryCache) get(ctx context.Context, s *Server, compute func(context.Context) (*summary, error)) (*summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		sum, err := compute(ctx)
		if err != nil {
			return nil, err
		}
		c.cur = sum
		return sum, nil
	}
	if s.now().Sub(c.cur.at) >= summaryTTL && !c.refreshing {
		c.refreshing = true
		go func() {
			bg, cancel := detach(ctx, 10*time.Minute)
			defer cancel()
			sum, err := compute(bg)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err != nil {
				s.log.Error("refresh the dashboard's figures", "err", err)
				return
			}
			c.cur = sum
		}()
	}
	return c.cur, nil
}

// computeRisk reads the open findings' totals per app and severity, which the store keeps,
// and the apps: the risk points of apps and vendors and the findings by severity.
func (s *Server) computeRisk(ctx context.Context) (*summary, error) {
	sum := &summary{at: s.now(), appRisk: map[string]int{}, severity: map[nhi.Severity]int{}}
	totals, err := s.st.FindingTotals(ctx)
	if err != nil {
		return nil, err
	}
	apps := map[string]nhi.App{}
	af := store.AppFilter{Sort: store.AppsByName}
	if _, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		af.Limit, af.After = lim, after
		return s.st.ListApps(ctx, af)
	}, func(a nhi.App) error {
		apps[appKey(a.Platform, a.Tenant, a.ExternalID)] = a
		return nil
	}); err != nil {
		return nil, err
	}
	vendors := map[string]*vendorRisk{}
	vendorApps := map[string]map[string]bool{}
	for _, t := range totals {
		sum.severity[t.Severity] += t.Findings
		if t.AppID == "" {
			continue
		}
		key := appKey(t.Platform, t.Tenant, t.AppID)
		sum.appRisk[key] += t.Points
		app, ok := apps[key]
		if !ok {
			continue
		}
		name := cmp.Or(app.Vendor, app.Name)
		v := vendors[name]
		if v == nil {
			v = &vendorRisk{Vendor: name}
			vendors[name], vendorApps[name] = v, map[string]bool{}
		}
		if !vendorApps[name][key] {
			vendorApps[name][key] = true
			v.Apps++
			v.Identities += app.Identities
		}
		v.Findings += t.Findings
		v.Points += t.Points
		if t.Severity.Rank() > v.MaxSeverity.Rank() {
			v.MaxSeverity = t.Severity
		}
	}
	for _, v := range vendors {
		sum.vendors = append(sum.vendors, *v)
	}
	slices.SortFunc(sum.vendors, func(a, b vendorRisk) int {
		return cmp.Or(cmp.Compare(b.Points, a.Points), cmp.Compare(a.Vendor, b.Vendor))
	})
	sum.vendors = sum.vendors[:min(len(sum.vendors), topVendors)]
	return sum, nil
}

// computeInventory reads the credentials expiring within expiringDays and the offboarding
// debt, both from what the store keeps or indexes.
func (s *Server) computeInventory(ctx context.Context) (*summary, error) {
	sum := &summary{at: s.now()}
	exp, total, err := s.st.Expiring(ctx, sum.at, sum.at.Add(expiringDays*24*time.Hour), topExpiring)
	if err != nil {
		return nil, err
	}
	sum.expTotal = total
	for _, e := range exp {
		sum.expiring = append(sum.expiring, expiringCredential(e))
	}
	d, err := s.st.OwnerDebt(ctx, topDebt)
	if err != nil {
		return nil, err
	}
	sum.debt = debt{Suspended: d.Suspended, Departed: d.Departed, Identities: nonNil(d.Identities)}
	return sum, nil
}
