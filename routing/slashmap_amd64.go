//go:build !purego

package routing

// slashMaps returns the bitmaps of the slashes and of the slashes and
// dots of s, a path of 8 to 63 bytes, as slashMapsWords does, sixteen
// bytes at a time (SSE2, which every amd64 has: a byte compare of the
// whole vector and its mask of high bits). It is most of what cutting a
// request path costs: for a path of 34 bytes about 50 instructions,
// where the word loop takes about 190.
//
//go:noescape
func slashMaps(s string) (slashes, slashOrDot uint64)
