// Package hopbyhop knows the hop-by-hop header names of RFC 2616 that a
// WSGI application must not send (wsgiref.util._hoppish). The lookup is a
// generated switch on length, then one case-folding compare.
package hopbyhop

//go:generate go run ../../gen/tablegen -table hopbyhop -out hopbyhop_gen.go

// equalLower reports whether s equals lower, an ASCII lower-case name, in
// any case.
func equalLower(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
