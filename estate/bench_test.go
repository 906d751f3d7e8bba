package estate

import "testing"

// BenchmarkGenerate100k measures generating the largest estate. Run it with
// go test ./estate -run '^$' -bench Generate100k -benchmem.
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		e, err := Generate(Options{Seed: 1, People: MaxPeople})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(e.Grants)), "grants")
	}
}
