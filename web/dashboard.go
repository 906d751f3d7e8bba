package web

import (
	"net/http"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

// dashboardBody is the answer of GET /api/v1/dashboard.
type dashboardBody struct {
	Counts              []countItem          `json:"counts"`
	FindingsBySeverity  map[nhi.Severity]int `json:"findings_by_severity"`
	Trend               []trendPoint         `json:"trend"`
	RiskiestVendors     []vendorRisk         `json:"riskiest_vendors"`
	ExpiringCredentials []expiringCredential `json:"expiring_credentials"`
	ExpiringTotal       int                  `json:"expiring_total"`
	OffboardingDebt     debt                 `json:"offboarding_debt"`
	ComputedAt          time.Time            `json:"computed_at"`
}

type countItem struct {
	Platform nhi.Platform `json:"platform"`
	Kind     nhi.Kind     `json:"kind"`
	Count    int          `json:"count"`
}

// trendPoint is one finished scan and the findings its evaluation produced.
type trendPoint struct {
	ScanID     string       `json:"scan_id"`
	Connector  string       `json:"connector"`
	Platform   nhi.Platform `json:"platform"`
	FinishedAt time.Time    `json:"finished_at"`
	Identities int          `json:"identities"`
	Findings   int          `json:"findings"`
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, _ *principal) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	ctx := r.Context()
	sum, err := s.risk.get(ctx, s, s.computeRisk)
	if err != nil {
		return err
	}
	inv, err := s.inventory.get(ctx, s, s.computeInventory)
	if err != nil {
		return err
	}
	counts, err := s.st.Counts(ctx)
	if err != nil {
		return err
	}
	scans, err := s.st.ListScans(ctx, store.ScanFilter{Limit: trendScans})
	if err != nil {
		return err
	}
	b := dashboardBody{Counts: []countItem{}, FindingsBySeverity: map[nhi.Severity]int{}, Trend: []trendPoint{},
		RiskiestVendors: nonNil(sum.vendors), ExpiringCredentials: nonNil(inv.expiring), ExpiringTotal: inv.expTotal,
		OffboardingDebt: inv.debt, ComputedAt: inv.at}
	for _, c := range counts {
		b.Counts = append(b.Counts, countItem(c))
	}
	for _, sev := range nhi.Severities() {
		b.FindingsBySeverity[sev] = sum.severity[sev]
	}
	for i := len(scans) - 1; i >= 0; i-- {
		sc := scans[i]
		if sc.Status == nhi.ScanRunning {
			continue
		}
		b.Trend = append(b.Trend, trendPoint{ScanID: sc.ID, Connector: sc.Connector, Platform: sc.Platform,
			FinishedAt: sc.FinishedAt, Identities: sc.Counts.Identities, Findings: sc.Counts.Findings})
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
