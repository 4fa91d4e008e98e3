//go:build unix && !linux && !darwin && !freebsd && !netbsd && !openbsd

package listen

// soReusePort is 0 where the system has no SO_REUSEPORT known here.
const soReusePort = 0
