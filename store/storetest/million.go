package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// The inventory of OneMillion: 1,000,000 identities in ten tenants of seven platforms,
// each generated from its number alone, so that a rescan sees the same identities again.

// millionTenant is one tenant of the inventory and the kinds of its identities, drawn
// uniformly (a kind repeated is drawn more often).
type millionTenant struct {
	platform nhi.Platform
	tenant   string
	size     int
	apps     string // the prefix of the external IDs of the tenant's apps
	kinds    []nhi.Kind
}

// millionTenants are the tenants in the order the fill scans them; their sizes add up to
// millionSize. The second (100,000 identities) is the one rescanned.
var millionTenants = func() []millionTenant {
	g, s, k, c := nhi.KindOAuthGrant, nhi.KindServiceAccount, nhi.KindAPIKey, nhi.KindAppCredential
	bot, in, wh, dk := nhi.KindBot, nhi.KindIntegration, nhi.KindWebhook, nhi.KindDeployKey
	google := []nhi.Kind{g, g, g, g, g, g, g, g, s, s}
	entra := []nhi.Kind{g, g, g, g, g, g, c, c, s, s}
	return []millionTenant{
		{nhi.PlatformGoogleWorkspace, "C01", 250_000, "client-", google},
		{nhi.PlatformGoogleWorkspace, "C02", 100_000, "client-", google},
		{nhi.PlatformEntra, "tenant-a", 200_000, "appid-", entra},
		{nhi.PlatformEntra, "tenant-b", 50_000, "appid-", entra},
		{nhi.PlatformGitHub, "acme", 120_000, "ghapp-", []nhi.Kind{in, in, dk, dk, dk, k, k, k, wh, wh}},
		{nhi.PlatformGitHub, "acme-labs", 30_000, "ghapp-", []nhi.Kind{in, in, dk, dk, dk, k, k, k, wh, wh}},
		{nhi.PlatformSlack, "T0ACME", 100_000, "slackapp-", []nhi.Kind{in, in, in, bot, bot, bot, wh, wh, wh, wh}},
		{nhi.PlatformSalesforce, "00Dacme", 60_000, "connected-", []nhi.Kind{in, in, in, in, k, k, s, s}},
		{nhi.PlatformOkta, "acme.okta.com", 50_000, "oktaapp-", []nhi.Kind{in, in, in, k, k, k, s, s}},
		{nhi.PlatformAWS, "123456789012", 40_000, "", []nhi.Kind{s, s, s, s, s, k, k, k, k, k}},
	}
}()

const (
	// millionSize is the number of identities; millionApps the number of apps per tenant.
	millionSize = 1_000_000
	millionApps = 2000
	// millionRescanned is the index in millionTenants of the tenant rescanned.
	millionRescanned = 1
)

// millionNow is the time of the inventory: nothing was created or used after it.
var millionNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// millionWords make up the names of the identities that are not named after an app.
var millionWords = []string{"billing", "ci", "deploy", "etl", "backup", "monitoring", "sync",
	"reporting", "crm", "terraform", "alerts", "search", "payroll", "ingest", "audit", "export"}

// millionGen generates identities. Each identity reseeds the source with its number.
type millionGen struct {
	src  *rand.PCG
	r    *rand.Rand
	zipf *rand.Zipf // app popularity: the first app has about one grant in seven
}

// newMillionGen returns a generator.
func newMillionGen() *millionGen {
	src := rand.NewPCG(0, 0)
	r := rand.New(src)
	return &millionGen{src: src, r: r, zipf: rand.NewZipf(r, 1.1, 1, millionApps-1)}
}

// millionFirst returns the number of the first identity of tenant t.
func millionFirst(t int) int {
	first := 0
	for _, m := range millionTenants[:t] {
		first += m.size
	}
	return first
}

// identity returns identity i of tenant t; rescanned, one in four was used since the fill.
func (g *millionGen) identity(t, i int, rescanned bool) nhi.Identity {
	g.src.Seed(uint64(i), 0x6e6869)
	m := millionTenants[t]
	id := nhi.Identity{Platform: m.platform, Tenant: m.tenant, Kind: m.kinds[g.r.IntN(len(m.kinds))]}
	app, owner := int(g.zipf.Uint64()), fmt.Sprintf("user-%d", g.r.IntN(m.size/10))
	word := millionWords[g.r.IntN(len(millionWords))]
	switch id.Kind {
	case nhi.KindOAuthGrant:
		id.AppID, id.OwnerID, id.Scope = fmt.Sprintf("%s%d", m.apps, app), owner, "user:"+owner
		id.Name, id.Attributes = fmt.Sprintf("App %d", app), map[string]string{"client_type": "web"}
	case nhi.KindIntegration, nhi.KindBot, nhi.KindAppCredential:
		id.AppID, id.Name = fmt.Sprintf("%s%d", m.apps, app), fmt.Sprintf("%s %s %d", word, id.Kind, app)
		if g.r.IntN(2) == 0 {
			id.OwnerID = owner
		}
	default: // service accounts, keys, webhooks, deploy keys: owned by a person or by nobody
		id.Name = fmt.Sprintf("%s-%s-%d", word, id.Kind, i%997)
		if g.r.IntN(10) < 6 {
			id.OwnerID = owner
		}
	}
	id.ExternalID = fmt.Sprintf("%s-%d", id.Kind, i)
	g.times(&id, rescanned)
	for range 1 + g.r.IntN(5) {
		id.Permissions = append(id.Permissions, nhi.Permission{Scope: fmt.Sprintf("%s.%s.%s", m.platform, word,
			[]string{"read", "write", "admin"}[g.r.IntN(3)])})
	}
	if id.Kind != nhi.KindOAuthGrant {
		id.Credentials = []nhi.Credential{{ID: fmt.Sprintf("cred-%d", i), Type: "secret",
			CreatedAt: id.CreatedAt, ExpiresAt: id.ExpiresAt}}
	}
	id.ID = nhi.NewIdentityID(id.Platform, id.Tenant, id.Kind, id.ExternalID)
	return id
}

// times sets the creation, last use and expiry of id: one in eight of unknown creation,
// one in seven never used, last uses skewed to the recent, keys expiring one in two.
func (g *millionGen) times(id *nhi.Identity, rescanned bool) {
	since := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	created := since.Add(time.Duration(g.r.Int64N(int64(millionNow.Sub(since)))))
	if g.r.IntN(8) != 0 {
		id.CreatedAt = created
	}
	if g.r.IntN(7) != 0 {
		u := g.r.Float64()
		id.LastUsedAt = millionNow.Add(-time.Duration(u * u * u * float64(millionNow.Sub(created)))).Truncate(time.Second)
	}
	switch id.Kind {
	case nhi.KindAPIKey, nhi.KindAppCredential, nhi.KindDeployKey:
		if g.r.IntN(2) == 0 {
			id.ExpiresAt = created.AddDate(1+g.r.IntN(2), 0, 0)
		}
	}
	if used := g.r.IntN(4) == 0; rescanned && used { // drawn always, so that the rest match
		id.LastUsedAt = millionNow.Add(time.Hour)
	}
}

// batch returns identities first to first+n-1 of tenant t (n at most what remains of it).
func (g *millionGen) batch(t, first, n int, rescanned bool) []nhi.Identity {
	ids := make([]nhi.Identity, n)
	for j := range ids {
		ids[j] = g.identity(t, first+j, rescanned)
	}
	return ids
}

// OneMillion is each backend's BenchmarkOneMillion: it fills st with 1,000,000
// identities, rescans one tenant of 100,000 and measures the inventory's queries at that
// size. afterFill, if set, runs once the fill is done and is timed apart (PostgreSQL's
// ANALYZE, which autovacuum would run soon after such a load). The store is filled once,
// by whichever sub-benchmark runs first; "fill" reports the rates of that fill however
// often it runs. -short skips the benchmark.
func OneMillion(b *testing.B, st store.Store, afterFill func(b *testing.B)) {
	if testing.Short() {
		b.Skip("filling 1,000,000 identities takes minutes")
	}
	m := &million{st: st, after: afterFill}
	b.Run("fill", func(b *testing.B) {
		m.fill(b)
		b.ReportMetric(m.rate, "ids/s")
		b.ReportMetric(m.firstRate, "first-100k-ids/s")
		b.ReportMetric(m.lastRate, "last-100k-ids/s")
		if m.after != nil {
			b.ReportMetric(m.analyze.Seconds(), "after-fill-s")
		}
	})
	b.Run("rescan", func(b *testing.B) {
		m.fill(b)
		t := millionTenants[millionRescanned]
		scan := millionScan(b, m.st, t)
		g, first := newMillionGen(), millionFirst(millionRescanned)
		var batches [][]nhi.Identity
		for i := 0; i < t.size; i += millionBatch {
			batches = append(batches, g.batch(millionRescanned, first+i, min(millionBatch, t.size-i), true))
		}
		for b.Loop() {
			for _, ids := range batches {
				if err := m.st.PutIdentities(b.Context(), scan, time.Now(), ids); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N*t.size)/b.Elapsed().Seconds(), "ids/s")
	})
	for _, q := range millionQueries() {
		b.Run(q.name, func(b *testing.B) {
			m.fill(b)
			f := q.filter
			if q.deep {
				f = HalfWay(b, m.st, f, millionSize)
			}
			for b.Loop() {
				page, err := m.st.ListIdentities(b.Context(), f)
				if err != nil || len(page.Items) == 0 {
					b.Fatalf("ListIdentities(%+v) = %d items, %v", f, len(page.Items), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
		})
	}
}

// millionBatch is the size of the batches of the fill and the rescan: a scan's.
const millionBatch = 5000

// million is the store of BenchmarkOneMillion and the rates of its fill.
type million struct {
	st                        store.Store
	after                     func(b *testing.B)
	filled                    bool
	rate, firstRate, lastRate float64       // identities per second of PutIdentities
	analyze                   time.Duration // afterFill's time
}

// fill fills m.st with the million identities, tenant by tenant, each by a scan of its
// own, unless it is filled already, and records the rates. Only the time in PutIdentities
// counts, not generating the identities.
func (m *million) fill(b *testing.B) {
	b.Helper()
	if m.filled {
		return
	}
	g, n := newMillionGen(), 0
	var spent, mark time.Duration
	for ti, t := range millionTenants {
		scan, tfirst := millionScan(b, m.st, t), millionFirst(ti)
		for i := 0; i < t.size; i += millionBatch {
			ids := g.batch(ti, tfirst+i, min(millionBatch, t.size-i), false)
			began := time.Now()
			if err := m.st.PutIdentities(b.Context(), scan, time.Now(), ids); err != nil {
				b.Fatal(err)
			}
			spent += time.Since(began)
			if n += len(ids); n%100_000 == 0 {
				b.Logf("%7d identities in %6.1f s: %6.0f ids/s over the last 100,000", n, spent.Seconds(),
					100_000/(spent-mark).Seconds())
				m.lastRate, mark = 100_000/(spent-mark).Seconds(), spent
				if n == 100_000 {
					m.firstRate = m.lastRate
				}
			}
		}
	}
	began := time.Now()
	if m.after != nil {
		m.after(b)
	}
	m.rate, m.analyze, m.filled = float64(n)/spent.Seconds(), time.Since(began), true
}

// millionScan begins a scan of tenant t.
func millionScan(b *testing.B, st store.Store, t millionTenant) string {
	b.Helper()
	s, err := st.BeginScan(b.Context(), nhi.Scan{Connector: "bench", Platform: t.platform, Tenant: t.tenant, Full: true})
	if err != nil {
		b.Fatalf("BeginScan: %v", err)
	}
	return s.ID
}

// millionQuery is one query of BenchmarkOneMillion; a deep one resumes half-way through
// the inventory.
type millionQuery struct {
	name   string
	filter store.IdentityFilter
	deep   bool
}

// millionQueries returns the queries of BenchmarkOneMillion: pages of 100 identities.
func millionQueries() []millionQuery {
	q := []millionQuery{
		{"first_page", store.IdentityFilter{}, false},
		{"deep_page", store.IdentityFilter{}, true},
		{"kind=service_account", store.IdentityFilter{Kind: nhi.KindServiceAccount}, false},
		{"kind=deploy_key", store.IdentityFilter{Kind: nhi.KindDeployKey}, false},
		{"platform=github", store.IdentityFilter{Platform: nhi.PlatformGitHub}, false},
		{"platform=okta", store.IdentityFilter{Platform: nhi.PlatformOkta}, false},
		{"app=most_used", store.IdentityFilter{AppID: "client-0"}, false},
		{"app=rare", store.IdentityFilter{AppID: "client-1500"}, false},
		{"owner", store.IdentityFilter{Owner: "user-42"}, false},
		{"unused_since_2026-06", store.IdentityFilter{LastUsedBefore: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}, false},
		{"kind=deploy_key,sort=last_used", store.IdentityFilter{Kind: nhi.KindDeployKey, Sort: store.IdentitiesByLastUsed}, false},
		{"sort=-id", store.IdentityFilter{Desc: true}, false},
	}
	for _, s := range store.IdentitySorts()[1:] {
		q = append(q, millionQuery{"sort=" + string(s), store.IdentityFilter{Sort: s}, false},
			millionQuery{"sort=-" + string(s), store.IdentityFilter{Sort: s, Desc: true}, false},
			millionQuery{"sort=" + string(s) + ",deep", store.IdentityFilter{Sort: s}, true})
	}
	for i := range q {
		q[i].filter.Limit = 100
	}
	return q
}

// HalfWay returns f with the cursor of its page half-way through n identities: a deep
// page for the benchmarks.
func HalfWay(b *testing.B, st store.Store, f store.IdentityFilter, n int) store.IdentityFilter {
	b.Helper()
	all := f
	for read := 0; read < n/2; {
		all.Limit = min(n/2-read, store.MaxLimit)
		p, err := st.ListIdentities(b.Context(), all)
		if err != nil || p.Next == "" {
			b.Fatalf("ListIdentities = next %q, %v", p.Next, err)
		}
		read, all.After = read+len(p.Items), p.Next
	}
	f.After = all.After
	return f
}
