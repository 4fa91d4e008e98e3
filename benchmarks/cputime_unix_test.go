//go:build unix

package benchmarks

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time, user and system, that this process
// has used so far, to the microsecond; ok is false when it cannot be read.
func processCPU() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
