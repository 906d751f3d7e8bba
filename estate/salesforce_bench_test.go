package estate

import "testing"

// BenchmarkGenerateSalesforce100k measures generating the Salesforce org of the largest
// estate, apart from the rest of the estate. Run it with
// go test ./estate -run '^$' -bench Salesforce100k -benchmem.
func BenchmarkGenerateSalesforce100k(b *testing.B) {
	e := mustGenerate(b, Options{Seed: 1, People: MaxPeople})
	for b.Loop() {
		s := genSalesforce(newRand(e.Options.Seed, streamSalesforce), e.Options, e.People, e.Vendors)
		b.ReportMetric(float64(len(s.Tokens)), "tokens")
		b.ReportMetric(float64(len(s.Logins)+len(s.APIEvents)), "events")
	}
}
