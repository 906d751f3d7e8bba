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

// summaryTTL is how long the dashboard's figures are reused before a background refresh:
// computing them reads the whole inventory.
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
// background refresh replaces it, so that no page waits for a walk of the inventory.
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

// computeRisk reads apps and open findings once each: the risk points of apps and
// vendors and the findings by severity.
func (s *Server) computeRisk(ctx context.Context) (*summary, error) {
	now := s.now()
	sum := &summary{at: now, appRisk: map[string]int{}, severity: map[nhi.Severity]int{}}
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
	ff := store.FindingFilter{Status: nhi.FindingOpen}
	if _, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		ff.Limit, ff.After = lim, after
		return s.st.ListFindings(ctx, ff)
	}, func(f nhi.Finding) error {
		sum.severity[f.Severity]++
		if f.AppID == "" {
			return nil
		}
		key := appKey(f.Platform, f.Tenant, f.AppID)
		sum.appRisk[key] += f.Points
		app, ok := apps[key]
		if !ok {
			return nil
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
		v.Findings++
		v.Points += f.Points
		if f.Severity.Rank() > v.MaxSeverity.Rank() {
			v.MaxSeverity = f.Severity
		}
		return nil
	}); err != nil {
		return nil, err
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

// computeInventory reads people and identities once each: the credentials expiring soon
// and the offboarding debt.
func (s *Server) computeInventory(ctx context.Context) (*summary, error) {
	sum := &summary{at: s.now()}
	return sum, s.walkIdentities(ctx, sum)
}

// walkIdentities adds the credentials expiring soon and the offboarding debt to sum.
func (s *Server) walkIdentities(ctx context.Context, sum *summary) error {
	status := map[string]nhi.PersonStatus{}
	pf := store.PersonFilter{}
	if _, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Person], error) {
		pf.Limit, pf.After = lim, after
		return s.st.ListPeople(ctx, pf)
	}, func(p nhi.Person) error {
		if p.Status == nhi.PersonSuspended || p.Status == nhi.PersonDeparted {
			status[string(p.Platform)+"\x00"+p.Tenant+"\x00"+p.ExternalID] = p.Status
		}
		return nil
	}); err != nil {
		return err
	}
	horizon := sum.at.Add(expiringDays * 24 * time.Hour)
	sum.debt.Identities = []nhi.Identity{}
	var f store.IdentityFilter
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return s.st.ListIdentities(ctx, f)
	}, func(id nhi.Identity) error {
		sum.addExpiring(id, horizon)
		if id.OwnerID == "" {
			return nil
		}
		switch status[string(id.Platform)+"\x00"+id.Tenant+"\x00"+id.OwnerID] {
		case nhi.PersonSuspended:
			sum.debt.Suspended++
		case nhi.PersonDeparted:
			sum.debt.Departed++
		default:
			return nil
		}
		if len(sum.debt.Identities) < topDebt {
			sum.debt.Identities = append(sum.debt.Identities, id)
		}
		return nil
	})
	slices.SortFunc(sum.expiring, func(a, b expiringCredential) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
	sum.expiring = sum.expiring[:min(len(sum.expiring), topExpiring)]
	return err
}

// addExpiring records the identity or its credentials when they expire between now and
// horizon. The list is cut to the soonest after the walk; it keeps at most 4x as many.
func (sum *summary) addExpiring(id nhi.Identity, horizon time.Time) {
	add := func(credID string, at time.Time) {
		if at.IsZero() || !at.After(sum.at) || at.After(horizon) {
			return
		}
		sum.expTotal++
		sum.expiring = append(sum.expiring, expiringCredential{IdentityID: id.ID, Name: id.Name, Platform: id.Platform,
			Kind: id.Kind, CredentialID: credID, ExpiresAt: at})
		if len(sum.expiring) >= 4*topExpiring {
			slices.SortFunc(sum.expiring, func(a, b expiringCredential) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
			sum.expiring = sum.expiring[:topExpiring]
		}
	}
	if len(id.Credentials) == 0 {
		add("", id.ExpiresAt)
	}
	for _, c := range id.Credentials {
		add(c.ID, c.ExpiresAt)
	}
}
