//go:build linux && !(mips || mipsle || mips64 || mips64le)

package listen

// soReusePort is SO_REUSEPORT, which package syscall lacks on most Linux
// ports: 15 everywhere but MIPS.
const soReusePort = 0xf
