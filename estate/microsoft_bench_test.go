package estate

import "testing"

// BenchmarkGenerateMicrosoft100k measures generating the Microsoft tenant of the
// largest estate, apart from the rest of the estate. Run it with
// go test ./estate -run '^$' -bench Microsoft100k -benchmem.
func BenchmarkGenerateMicrosoft100k(b *testing.B) {
	e := mustGenerate(b, Options{Seed: 1, People: MaxPeople})
	for b.Loop() {
		m := genMicrosoft(newRand(e.Options.Seed, streamMicrosoft), e.Options, e.People, e.Vendors, e.Grants)
		b.ReportMetric(float64(len(m.Grants)), "grants")
	}
}
