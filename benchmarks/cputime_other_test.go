//go:build !unix

package benchmarks

import "time"

// processCPU cannot read the process's CPU time here: the cpu-ns/op
// metric is left out.
func processCPU() (time.Duration, bool) { return 0, false }
