//go:build darwin || freebsd || netbsd || openbsd

package listen

import "syscall"

// soReusePort is SO_REUSEPORT.
const soReusePort = syscall.SO_REUSEPORT
