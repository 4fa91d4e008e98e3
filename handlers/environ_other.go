//go:build !windows

package handlers

import "golang.org/x/text/encoding"

// ansiEncoding is the Windows ANSI code page; elsewhere there is none.
func ansiEncoding() encoding.Encoding { return nil }
