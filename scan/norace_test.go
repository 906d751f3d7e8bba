//go:build !race

package scan_test

// raceEnabled is false without the race detector.
const raceEnabled = false
