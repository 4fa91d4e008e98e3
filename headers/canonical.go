package headers

// Canonical returns the registered spelling of a field name given in any
// case ("etag" -> "ETag", "www-authenticate" -> "WWW-Authenticate") and
// whether the name is in the IANA HTTP Field Name Registry table. It
// allocates nothing.
func Canonical(name string) (string, bool) {
	var buf [64]byte
	if len(name) > len(buf) {
		return name, false
	}
	for i := 0; i < len(name); i++ {
		buf[i] = lower[name[i]]
	}
	c, ok := canonicalNames[string(buf[:len(name)])]
	if !ok {
		return name, false
	}
	return c, true
}
