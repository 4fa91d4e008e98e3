//go:build linux && (mips || mipsle || mips64 || mips64le)

package listen

// soReusePort is SO_REUSEPORT on Linux for MIPS.
const soReusePort = 0x200
