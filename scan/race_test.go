//go:build race

package scan_test

// raceEnabled is true under the race detector, which makes the large detection-quality
// scan too slow to be worth running there; CI runs it once without the detector.
const raceEnabled = true
