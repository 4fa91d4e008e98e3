//go:build !amd64 || purego

package routing

// slashMaps returns the bitmaps of the slashes and of the slashes and
// dots of s, a path of 8 to 63 bytes: slashMapsWords, the word loop.
func slashMaps(s string) (slashes, slashOrDot uint64) { return slashMapsWords(s) }
