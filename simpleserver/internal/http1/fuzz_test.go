package http1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stricter lists the refusals of this reader that net/http.ReadRequest
// does not make, each a deliberate strictness of RFC 9112 (or of the
// server's limits); FuzzReadHead fails on any other disagreement.
var stricter = map[*Error]string{
	ErrBareLF:             "RFC 9112 2.2: net/http accepts a bare LF as a line end",
	ErrBareCR:             "net/http accepts some CRs inside a line",
	ErrObsFold:            "RFC 9112 5.2: net/http unfolds obs-fold",
	ErrSpaceBefore:        "RFC 9112 5.1",
	ErrRequestLine:        "RFC 9112 3: net/http takes extra spaces into the target or version",
	ErrMethod:             "RFC 9110 9.1: net/http checks the method lazily",
	ErrVersion:            "RFC 9112 2.3: net/http accepts HTTP/1.10 and the like",
	ErrMajor:              "505: net/http parses HTTP/2.0 and HTTP/0.9 as versions",
	ErrTargetByte:         "RFC 9112 3.2: net/http accepts raw bytes above 0x7E and some CTLs",
	ErrTargetForm:         "RFC 9112 3.2: net/url accepts any absolute URI and * with any method",
	ErrEscape:             "net/url accepts some malformed escapes in the path",
	ErrPathControl:        "no CGI variable may hold CR, LF or NUL",
	ErrConnect:            "501: no tunnels",
	ErrNameByte:           "RFC 9110 5.1: net/http is lenient about some name bytes",
	ErrValueByte:          "RFC 9110 5.5: net/http accepts some CTLs in values",
	ErrEmptyName:          "RFC 9110 5.1",
	ErrContentLength:      "RFC 9110 8.6: net/http takes '1, 1' style and trims",
	ErrDupLength:          "RFC 9110 8.6: net/http merges identical Content-Lengths",
	ErrLengthAndTE:        "RFC 9112 6.1: net/http drops the Content-Length",
	ErrTE10:               "RFC 9112 6.1: net/http ignores TE in HTTP/1.0",
	ErrTransferCode:       "501: net/http accepts 'chunked' in other spellings",
	ErrNoHost:             "RFC 9112 3.2: net/http's ReadRequest leaves the check to its server",
	ErrDupHost:            "RFC 9112 3.2",
	ErrRequestLineTooLong: "414: net/http has no request-line limit",
	ErrFieldLineTooLong:   "431: net/http has no field-line limit",
	ErrTooManyFields:      "431: net/http has no field-count limit",
	ErrHeadTooLarge:       "431",
	ErrChunkSize:          "RFC 9112 7.1: net/http trims whitespace after the size",
	ErrChunkExtension:     "RFC 9112 7.1.1: net/http does not check extensions",
	ErrChunkEnd:           "RFC 9112 7.1",
	ErrChunkLine:          "net/http allows longer chunk lines",
	ErrChunkOverflow:      "",
	ErrTrailer:            "net/http is lenient about trailer lines",
}

// shape checks, for the refusals that are easy to see in the bytes, that
// the bytes have the shape the refusal names.
var shape = map[*Error]func(raw []byte) bool{
	ErrBareLF: func(raw []byte) bool {
		return raw[0] == '\n' || bytes.Contains(raw, []byte("\n")) && bareLF.Match(raw)
	},
	ErrBareCR: func(raw []byte) bool { return bareCR.Match(raw) },
	ErrObsFold: func(raw []byte) bool {
		return bytes.Contains(raw, []byte("\n ")) || bytes.Contains(raw, []byte("\n\t"))
	},
	ErrSpaceBefore: spaceInName,
	ErrLengthAndTE: func(raw []byte) bool { return hasFold(raw, "content-length") && hasFold(raw, "transfer-encoding") },
	ErrTE10: func(raw []byte) bool {
		return bytes.Contains(raw, []byte("HTTP/1.0")) && hasFold(raw, "transfer-encoding")
	},
	ErrConnect:            func(raw []byte) bool { return bytes.Contains(raw, []byte("CONNECT ")) },
	ErrDupHost:            func(raw []byte) bool { return bytes.Count(bytes.ToLower(raw), []byte("host:")) >= 2 },
	ErrTooManyFields:      func(raw []byte) bool { return bytes.Count(raw, []byte("\n")) > DefaultMaxFields },
	ErrRequestLineTooLong: func(raw []byte) bool { return len(raw) > DefaultMaxRequestLine },
}

var (
	bareLF = regexp.MustCompile("[^\r]\n")
	bareCR = regexp.MustCompile("\r([^\n]|$)")
)

// spaceInName reports whether a line after the first has SP or HTAB
// before its first colon.
func spaceInName(raw []byte) bool {
	lines := bytes.Split(raw, []byte("\n"))
	for _, l := range lines[1:] {
		if i := bytes.IndexByte(l, ':'); i > 0 && bytes.ContainsAny(l[:i], " \t") {
			return true
		}
	}
	return false
}

func hasFold(raw []byte, s string) bool { return bytes.Contains(bytes.ToLower(raw), []byte(s)) }

// lenient is what net/http refuses and this reader takes, each a shape
// RFC 9110 allows; FuzzReadHead fails on any other.
func lenient(h *Head) (class string, ok bool) {
	if strings.ContainsAny(h.Target, "#[]") {
		return "net/url refuses some target characters RFC 3986 allows raw", true
	}
	for _, f := range h.Fields {
		if textproto.CanonicalMIMEHeaderKey(f.Name) == "Host" && !validHost(f.Value) {
			return "net/http refuses Host values RFC 9110 7.2 does not define", true
		}
	}
	return "", false
}

// validHost approximates net/http's check of a Host value.
func validHost(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!$&'()*+,;=:[]._~-%", c) >= 0:
		default:
			return false
		}
	}
	return true
}

const maxFuzzBody = 1 << 16

// FuzzReadHead feeds the same bytes to this reader and to
// net/http.ReadRequest. Where both accept, method, target, version, fields
// and body agree; where only this reader refuses, the refusal is one of
// stricter; where only net/http refuses, the case is one of lenient.
func FuzzReadHead(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /a%20b?x=1 HTTP/1.0\r\nX-A: 1\r\nx-a:  2 \r\nUser-Agent: u\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
		"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\nT: 1\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nDummy: x\nContent-Length: 37\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",
		"GET http://h/p?q HTTP/1.1\r\nHost: h\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
		"\r\nGET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/2.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nPragma: no-cache\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := NewReader(bytes.NewReader(raw))
		var h Head
		ourErr := r.ReadHead(&h, Limits{})
		var ourBody []byte
		if ourErr == nil {
			var b Body
			b.Reset(r, &h, Limits{})
			ourBody, ourErr = io.ReadAll(io.LimitReader(&b, maxFuzzBody))
		}
		// net/http reads what a server reads: leading CRLFs are the
		// reader's to skip, so net/http gets the bytes after them.
		trimmed := raw
		for bytes.HasPrefix(trimmed, []byte("\r\n")) {
			trimmed = trimmed[2:]
		}
		req, theirErr := http.ReadRequest(bufio.NewReader(bytes.NewReader(trimmed)))
		var theirBody []byte
		if theirErr == nil {
			theirBody, theirErr = io.ReadAll(io.LimitReader(req.Body, maxFuzzBody))
		}
		var bad *Error
		ourRefusal := errors.As(ourErr, &bad)
		switch {
		case ourErr == nil && theirErr == nil:
			agree(t, raw, &h, ourBody, req, theirBody)
		case ourRefusal && theirErr == nil:
			if _, ok := stricter[bad]; !ok {
				t.Fatalf("%q: refused with %v, which net/http accepts, not a listed strictness", raw, bad)
			}
			if shows, ok := shape[bad]; ok && !shows(raw) {
				t.Fatalf("%q: refused with %v, but the bytes do not have that shape", raw, bad)
			}
		case ourErr != nil && theirErr == nil:
			t.Fatalf("%q: %v; net/http reads the request", raw, ourErr)
		case ourErr == nil && theirErr != nil:
			if _, ok := lenient(&h); !ok {
				t.Fatalf("%q: accepted; net/http refuses it: %v", raw, theirErr)
			}
		}
	})
}

// agree checks that two accepted requests are the same request.
func agree(t *testing.T, raw []byte, h *Head, ourBody []byte, req *http.Request, theirBody []byte) {
	t.Helper()
	if h.Method != req.Method || h.Target != req.RequestURI || h.Version != req.Proto {
		t.Fatalf("%q: request line %q %q %q; net/http %q %q %q", raw, h.Method, h.Target, h.Version, req.Method, req.RequestURI, req.Proto)
	}
	// net/http moves Host and Transfer-Encoding out of the map and may
	// add Cache-Control for a Pragma; every other name has the same
	// values in the same order.
	ours := map[string][]string{}
	for _, f := range h.Fields {
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		ours[k] = append(ours[k], f.Value)
	}
	for k, v := range req.Header {
		switch k {
		case "Host", "Transfer-Encoding":
			continue
		case "Cache-Control":
			if _, ok := ours[k]; !ok {
				continue
			}
		}
		if !slices.Equal(ours[k], v) {
			t.Fatalf("%q: field %s %q; net/http %q", raw, k, ours[k], v)
		}
	}
	for k := range ours {
		if _, ok := req.Header[k]; !ok && k != "Host" && k != "Transfer-Encoding" {
			t.Fatalf("%q: field %s only here", raw, k)
		}
	}
	if host, ok := ours["Host"]; ok && host[0] != req.Host && !strings.Contains(h.Target, "://") {
		t.Fatalf("%q: Host %q; net/http %q", raw, host[0], req.Host)
	}
	if !bytes.Equal(ourBody, theirBody) {
		t.Fatalf("%q: body %q; net/http %q", raw, ourBody, theirBody)
	}
}
