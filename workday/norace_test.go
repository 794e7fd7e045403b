//go:build !race

package workday_test

// raceEnabled is true under the race detector.
const raceEnabled = false
