//go:build !race

package wsgiutil_test

const raceEnabled = false
