package handlers

import (
	"os"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/gowsgi/wsgiref"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// ReadEnviron returns the process environment as a WSGI environ, the
// variables that come from the request (REQUEST_METHOD, PATH_INFO, HTTP_*,
// SSL_*, REDIRECT_* of those, ...) recovered as raw request bytes, as
// CPython's read_environ does.
//
// On Unix the environment already holds the bytes the web server put there,
// and a Go string keeps them as they are: nothing to transcode. On Windows
// the environment is Unicode, and how the server turned request bytes into
// it depends on the server (SERVER_SOFTWARE); ReadEnviron undoes it with
// CPython's rules: IIS and Python's CGIHTTPRequestHandler decode UTF-8 (the
// bytes are the UTF-8 Go already has), Apache stores bytes as ISO-8859-1
// (the bytes are recovered through that charmap), and any other server is
// taken to have used the ANSI code page (recovered through its charmap, '?'
// where a character has no byte, as CPython's "replace").
func ReadEnviron() *wsgiref.Environ {
	return readEnviron(runtime.GOOS, os.Environ(), ansiEncoding())
}

// readEnviron is ReadEnviron for any OS name and environment list, with the
// Windows ANSI code page given, so that each branch is testable anywhere.
func readEnviron(goos string, environ []string, ansi encoding.Encoding) *wsgiref.Environ {
	env := &wsgiref.Environ{}
	var software string
	if goos == "windows" {
		for _, kv := range environ {
			if k, v, _ := strings.Cut(kv, "="); k == "SERVER_SOFTWARE" {
				software = strings.ToLower(v)
			}
		}
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue // Windows' "=C:=C:\\" entries and malformed ones
		}
		if goos == "windows" && needsTranscode(k) {
			v = transcodeWindows(software, v, ansi)
		}
		env.Set(k, v)
	}
	return env
}

// transcodeWindows recovers request bytes from a Unicode (here UTF-8)
// environment value as set by the server software.
func transcodeWindows(software, v string, ansi encoding.Encoding) string {
	switch {
	case strings.HasPrefix(software, "microsoft-iis/"):
		return v // decoded as UTF-8 by IIS: the UTF-8 bytes are the request's
	case strings.HasPrefix(software, "apache/"):
		return encodeReplace(v, charmap.ISO8859_1)
	case strings.HasPrefix(software, "simplehttp/") && strings.Contains(software, "python/3"):
		return v
	default:
		if ansi == nil {
			ansi = charmap.Windows1252
		}
		return encodeReplace(v, ansi)
	}
}

// encodeReplace encodes v, UTF-8, with enc, replacing each character enc
// cannot encode with '?' as Python's "replace" error handler does.
func encodeReplace(v string, enc encoding.Encoding) string {
	if isASCII(v) {
		return v
	}
	if cm, ok := enc.(*charmap.Charmap); ok {
		b := make([]byte, 0, len(v))
		for _, r := range v {
			c, ok := cm.EncodeRune(r)
			if !ok {
				c = '?'
			}
			b = append(b, c)
		}
		return string(b)
	}
	e := enc.NewEncoder()
	var b []byte
	var buf [utf8.UTFMax]byte
	for _, r := range v {
		out, err := e.Bytes(buf[:utf8.EncodeRune(buf[:], r)])
		if err != nil || (r == utf8.RuneError) {
			out = []byte{'?'}
		}
		b = append(b, out...)
	}
	return string(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// needsTranscode is _needs_transcode: the variables whose value comes from
// the request.
func needsTranscode(k string) bool {
	for {
		switch k {
		case "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "REQUEST_METHOD", "AUTH_TYPE",
			"CONTENT_TYPE", "CONTENT_LENGTH", "HTTPS", "REMOTE_USER", "REMOTE_IDENT":
			return true
		}
		if strings.HasPrefix(k, "HTTP_") || strings.HasPrefix(k, "SSL_") {
			return true
		}
		var ok bool
		if k, ok = strings.CutPrefix(k, "REDIRECT_"); !ok {
			return false
		}
	}
}
