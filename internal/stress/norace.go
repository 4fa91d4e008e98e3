//go:build !race

package stress

// raceEnabled tells the tests to run smaller: the race detector makes every
// request several times slower.
const raceEnabled = false
