package estate

import "testing"

// BenchmarkGenerateGitHub100k measures generating the GitHub of the largest estate,
// apart from the rest of the estate. Run it with
// go test ./estate -run '^$' -bench GitHub100k -benchmem.
func BenchmarkGenerateGitHub100k(b *testing.B) {
	e := mustGenerate(b, Options{Seed: 1, People: MaxPeople})
	for b.Loop() {
		gh := genGitHub(newRand(e.Options.Seed, streamGitHub), e.Options, e.People, e.Vendors)
		b.ReportMetric(float64(len(gh.Users)), "users")
		b.ReportMetric(float64(len(gh.Labels)), "labels")
	}
}
