package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/store"
)

// appItem is an app in the apps list, with the risk points of its open findings.
type appItem struct {
	nhi.App
	Risk int `json:"risk"`
}

func (s *Server) listApps(w http.ResponseWriter, r *http.Request, _ *principal) error {
	q := newQuery(r, "platform", "tenant", "sort", "limit", "cursor")
	f := store.AppFilter{Platform: nhi.Platform(q.str("platform")), Tenant: q.str("tenant"),
		Sort: store.AppSort(q.oneOf("sort", "users", "name", "risk"))}
	limit, c := q.limit(), q.cursor()
	if err := q.err(); err != nil {
		return err
	}
	sum, err := s.risk.get(r.Context(), s, s.computeRisk)
	if err != nil {
		return err
	}
	if f.Sort == "risk" {
		return s.appsByRisk(w, r, f, sum, limit, c)
	}
	apps, next, err := page(c, limit, limit, func(lim int, after string) (store.Page[nhi.App], error) {
		f.Limit, f.After = lim, after
		return s.st.ListApps(r.Context(), f)
	}, nil)
	if err != nil {
		return err
	}
	items := make([]appItem, len(apps))
	for i, a := range apps {
		items[i] = appItem{a, sum.appRisk[appKey(a.Platform, a.Tenant, a.ExternalID)]}
	}
	writeList(w, items, next)
	return nil
}

// appsByRisk lists apps by the points of their open findings, most first; the order is
// computed by the API over every app, so its cursor is an offset.
func (s *Server) appsByRisk(w http.ResponseWriter, r *http.Request, f store.AppFilter, sum *summary, limit int, c cursor) error {
	var all []appItem
	f.Sort = store.AppsByName
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		f.Limit, f.After = lim, after
		return s.st.ListApps(r.Context(), f)
	}, func(a nhi.App) error {
		all = append(all, appItem{a, sum.appRisk[appKey(a.Platform, a.Tenant, a.ExternalID)]})
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(all, func(a, b appItem) int { return cmp.Compare(b.Risk, a.Risk) })
	start := min(c.Offset, len(all))
	end := min(start+limit, len(all))
	next := ""
	if end < len(all) {
		next = cursor{Offset: end}.encode()
	}
	writeList(w, all[start:end], next)
	return nil
}

func appKey(p nhi.Platform, tenant, id string) string { return nhi.AppKey(p, tenant, id) }

// appBody is the answer of GET /api/v1/apps/{platform}/{tenant}/{external_id}.
type appBody struct {
	App        nhi.App       `json:"app"`
	Identities int           `json:"identities"`
	Findings   []nhi.Finding `json:"findings"`
	Score      scoreBody     `json:"score"`
}

func (s *Server) getApp(w http.ResponseWriter, r *http.Request, _ *principal) error {
	ctx := r.Context()
	app, err := s.st.App(ctx, nhi.Platform(r.PathValue("platform")), r.PathValue("tenant"), r.PathValue("external_id"))
	if err != nil {
		return err
	}
	in, err := s.appInput(ctx, app)
	if err != nil {
		return err
	}
	fp, err := s.st.ListFindings(ctx, store.FindingFilter{Platform: app.Platform, Tenant: app.Tenant, AppID: app.ExternalID, Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, appBody{App: app, Identities: app.Identities, Findings: nonNil(fp.Items),
		Score: scoreOf(s.engine.ScoreApp(in))})
	return nil
}

// appInput tallies what the app signals need: the app's identities and their owners,
// and the most used other app of the tenant whose name this one's contains.
func (s *Server) appInput(ctx context.Context, app nhi.App) (*risk.AppInput, error) {
	in := &risk.AppInput{App: app, Owners: map[nhi.PersonStatus]int{}, Now: s.now()}
	owners := map[string]*nhi.Person{}
	f := store.IdentityFilter{Platform: app.Platform, Tenant: app.Tenant, AppID: app.ExternalID}
	_, _, err := store.Walk(0, func(lim int, after string) (store.Page[nhi.Identity], error) {
		f.Limit, f.After = lim, after
		return s.st.ListIdentities(ctx, f)
	}, func(id nhi.Identity) error {
		p, ok := owners[id.OwnerID]
		if !ok {
			var err error
			if p, err = s.owner(ctx, id); err != nil {
				return err
			}
			owners[id.OwnerID] = p
		}
		in.AddIdentity(&id, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var peers []nhi.App
	af := store.AppFilter{Platform: app.Platform, Tenant: app.Tenant, Sort: store.AppsByName}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		af.Limit, af.After = lim, after
		return s.st.ListApps(ctx, af)
	}, func(a nhi.App) error {
		peers = append(peers, a)
		return nil
	})
	in.Collision = risk.NameCollisions(peers)[app.ExternalID]
	return in, err
}

// vendorMaxIdentities bounds the identities the vendor page lists; the count is exact.
const vendorMaxIdentities = 1000

// vendorBody is the answer of GET /api/v1/vendors/{name}.
type vendorBody struct {
	Vendor     string         `json:"vendor"`
	Apps       []nhi.App      `json:"apps"`
	Identities []nhi.Identity `json:"identities"`
	// IdentitiesTotal counts every identity of the vendor's apps; Identities holds at
	// most vendorMaxIdentities of them.
	IdentitiesTotal int             `json:"identities_total"`
	Blast           nhi.BlastRadius `json:"blast_radius"`
	// KillSwitch is the plan the kill switch would create, not saved.
	KillSwitch nhi.Plan `json:"kill_switch"`
}

func (s *Server) getVendor(w http.ResponseWriter, r *http.Request, p *principal) error {
	ctx := r.Context()
	name := r.PathValue("name")
	targets, err := s.targets(ctx)
	if err != nil {
		return err
	}
	plan, err := remediate.Contain(ctx, s.st, targets, remediate.ContainTarget{Vendor: name}, p.actor())
	if err != nil {
		return err
	}
	body := vendorBody{Vendor: name, KillSwitch: plan, Blast: plan.Blast, Identities: []nhi.Identity{}}
	seen := map[string]bool{}
	af := store.AppFilter{Sort: store.AppsByName}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.App], error) {
		af.Limit, af.After = lim, after
		return s.st.ListApps(ctx, af)
	}, func(a nhi.App) error {
		if strings.EqualFold(a.Vendor, name) || strings.EqualFold(a.Name, name) {
			body.Apps = append(body.Apps, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range plan.Actions {
		if a.IdentityID == "" || seen[a.IdentityID] {
			continue
		}
		seen[a.IdentityID] = true
		body.IdentitiesTotal++
		if len(body.Identities) < vendorMaxIdentities {
			id, err := s.st.Identity(ctx, a.IdentityID)
			if err != nil {
				return err
			}
			body.Identities = append(body.Identities, id)
		}
	}
	body.Apps = nonNil(body.Apps)
	writeJSON(w, http.StatusOK, body)
	return nil
}
