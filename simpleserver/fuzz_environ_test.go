package simpleserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// environSeen is what the environ checker kept of one request.
type environSeen struct {
	method, path, query, proto string
}

// environRecorder is an application that checks each request's environ
// against the invariants of FuzzServerEnviron, keeps what it saw and the
// violations it found, and answers a plain 200.
type environRecorder struct {
	mu         sync.Mutex
	seen       []environSeen
	violations []string
}

func (rec *environRecorder) reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.seen, rec.violations = rec.seen[:0], rec.violations[:0]
}

func (rec *environRecorder) results() ([]environSeen, []string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]environSeen(nil), rec.seen...), append([]string(nil), rec.violations...)
}

func (rec *environRecorder) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	v := environViolations(env)
	rec.mu.Lock()
	rec.seen = append(rec.seen, environSeen{env.Get("REQUEST_METHOD"), env.Get("PATH_INFO"), env.Get("QUERY_STRING"), env.Get("SERVER_PROTOCOL")})
	rec.violations = append(rec.violations, v...)
	rec.mu.Unlock()
	_, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
	return wsgiref.Strings("ok"), err
}

// environViolations checks the invariants that hold for every request the
// server hands to an application, whatever bytes the client sent.
func environViolations(env *wsgiref.Environ) []string {
	var v []string
	bad := func(format string, args ...any) { v = append(v, fmt.Sprintf(format, args...)) }
	for k, val := range env.All() {
		// A CR, LF or NUL in a CGI variable breaks whatever the
		// application passes it on to: a header it echoes (response
		// splitting), a log line (forged entries), a C string (truncation)
		// or the environment of a CGI child.
		if strings.ContainsAny(k, "\r\n\x00") || strings.ContainsAny(val, "\r\n\x00") {
			bad("CR, LF or NUL in %q=%q", k, val)
		}
		// CGI keys are what the header name becomes upper-cased with '-'
		// as '_' (RFC 3875 4.1.18); a key with '-' or lower case is one no
		// CGI application looks up, and could shadow nothing or anything.
		if strings.HasPrefix(k, "HTTP_") && strings.ContainsAny(k, "-abcdefghijklmnopqrstuvwxyz") {
			bad("header key %q not upper case with '_'", k)
		}
	}
	// The simple server mounts its one application at the root: nothing of
	// the path belongs to a script (CPython's get_environ sets '').
	if sn := env.Get("SCRIPT_NAME"); sn != "" {
		bad("SCRIPT_NAME %q", sn)
	}
	// PATH_INFO is "" (an absolute-form target without a path), "*" (the
	// asterisk-form of OPTIONS, RFC 9112 3.2.4) or an absolute path whose
	// leading slashes were collapsed to one, before decoding as CPython
	// does (gh-87389: "//evil.example" would be a host to a browser that
	// follows a redirect built from it) and again after ("/%2F%2Fevil").
	pi := env.Get("PATH_INFO")
	method := env.Get("REQUEST_METHOD")
	switch {
	case pi == "":
	case pi == "*":
		if method != "OPTIONS" {
			bad("PATH_INFO * with method %q", method)
		}
	case pi[0] != '/':
		bad("PATH_INFO %q does not start with /", pi)
	case strings.HasPrefix(pi, "//"):
		bad("PATH_INFO %q starts with two slashes", pi)
	}
	// REQUEST_METHOD is a token (RFC 9110 9.1): an application compares
	// it with names and logs it.
	if !isToken(method) {
		bad("REQUEST_METHOD %q not a token", method)
	}
	// The server speaks HTTP/1.x only: HTTP/2 and later get 505, HTTP/0.9
	// is refused by the parser. CPython passes 1.2 to 1.9 through as
	// sent, and so does net/http's parser; anything else is a parser gap.
	if p := env.Get("SERVER_PROTOCOL"); len(p) != len("HTTP/1.x") || !strings.HasPrefix(p, "HTTP/1.") || !isDigitByte(p[7]) {
		bad("SERVER_PROTOCOL %q", p)
	}
	// CONTENT_LENGTH feeds int() in applications: it is empty or a
	// decimal number, never a list ("1, 1") or a sign.
	if cl := env.Get("CONTENT_LENGTH"); strings.Trim(cl, "0123456789") != "" {
		bad("CONTENT_LENGTH %q", cl)
	}
	return v
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// isToken is RFC 9110's token: one or more tchar.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c > 0x20 && c < 0x7f && !strings.ContainsRune("\"(),/:;<=>?@[\\]{}", rune(c))) {
			return false
		}
	}
	return true
}

// simpleRequestLine parses the first line of raw when it has the plain
// shape "METHOD SP target SP HTTP/1.d", the only shape from which the
// fuzz target predicts PATH_INFO and QUERY_STRING on its own.
func simpleRequestLine(raw []byte) (method, target, proto string, ok bool) {
	line, _, found := strings.Cut(string(raw), "\n")
	if !found {
		return "", "", "", false
	}
	line = strings.TrimSuffix(line, "\r")
	parts := strings.Split(line, " ")
	if len(parts) != 3 || parts[1] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// expectedPathQuery is what CPython's parse_request and get_environ make
// of a request-target, written from their code and not from this module's:
// the leading slashes collapse to one, the target splits at the first '?',
// and the path is percent-decoded byte for byte; ".." and "%2e%2e" stay,
// never resolved. Then, unlike CPython, leading slashes the decoding made
// collapse again. CPython does not parse the absolute form; the server
// uses the path after "http(s)://authority" (RFC 9112 3.2.2), and an empty
// one may read as "" or "/". Other absolute URIs ("a:b", "http:/p") are
// refused by the server and not predicted: ok is false.
func expectedPathQuery(target string) (paths []string, query string, ok bool) {
	if scheme, rest, abs := cutScheme(target); abs {
		if !strings.HasPrefix(rest, "//") || !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			return nil, "", false
		}
		rest = rest[2:]
		if i := strings.IndexAny(rest, "/?"); i < 0 {
			rest = ""
		} else {
			rest = rest[i:]
		}
		if rest == "" || rest[0] == '?' {
			p, q, _ := strings.Cut(rest, "?")
			return []string{collapse(percentDecode(p)), "/"}, q, true
		}
		target = rest
	}
	target = collapse(target)
	p, q, _ := strings.Cut(target, "?")
	return []string{collapse(percentDecode(p))}, q, true
}

// collapse turns leading slashes into one.
func collapse(p string) string {
	if strings.HasPrefix(p, "//") {
		return "/" + strings.TrimLeft(p, "/")
	}
	return p
}

// cutScheme splits "scheme:rest" when the target does not start with '/'
// or '*'.
func cutScheme(target string) (scheme, rest string, ok bool) {
	if target == "" || target[0] == '/' || target == "*" {
		return "", "", false
	}
	return strings.Cut(target, ":")
}

// percentDecode is urllib.parse.unquote with Latin-1: each valid %XX is
// one byte, anything else stays as it is.
func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && strings.ContainsRune(hexDigits, rune(s[i+1])) && strings.ContainsRune(hexDigits, rune(s[i+2])) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

const hexDigits = "0123456789abcdefABCDEF"

// panicLog is a slog handler that keeps the messages of the panics the
// server recovers, which would otherwise pass unseen.
type panicLog struct {
	mu     sync.Mutex
	panics []string
}

func (p *panicLog) Enabled(context.Context, slog.Level) bool { return true }
func (p *panicLog) WithAttrs([]slog.Attr) slog.Handler       { return p }
func (p *panicLog) WithGroup(string) slog.Handler            { return p }

func (p *panicLog) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "panic") {
		p.mu.Lock()
		p.panics = append(p.panics, r.Message)
		p.mu.Unlock()
	}
	return nil
}

func (p *panicLog) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.panics
	p.panics = nil
	return out
}

// FuzzServerEnviron sends raw request bytes to a real server over loopback
// and checks every environ its application receives: environViolations on
// each, and for a first request line of the plain shape, PATH_INFO,
// QUERY_STRING, REQUEST_METHOD and SERVER_PROTOCOL against what the client
// sent. A panic the server recovers fails the input, and a server that
// stops accepting fails the next one.
func FuzzServerEnviron(f *testing.F) {
	f.Add([]byte("GET /a/../b/%2e%2e/c?x=1#f HTTP/1.1\r\nHost: h\r\n\r\n"))
	rec := &environRecorder{}
	plog := &panicLog{}
	ts := startServer(f, rec,
		WithLogger(slog.New(plog)), WithErrors(io.Discard),
		WithMaxHeaderBytes(2048), WithReadHeaderTimeout(time.Second), WithReadTimeout(time.Second))
	addr := ts.Addr().String()
	f.Fuzz(func(t *testing.T, raw []byte) {
		rec.reset()
		c, err := dialFromAnywhere(addr)
		if err != nil {
			t.Fatalf("server no longer accepts: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write(raw)
		c.(*net.TCPConn).CloseWrite()
		if _, err := io.Copy(io.Discard, c); err != nil && !isReset(err) {
			t.Fatalf("reading: %v (server hung?)", err)
		}
		// The server closed the connection: its requests are done.
		if p := plog.take(); len(p) > 0 {
			t.Fatalf("server panicked on %q: %q", raw, p)
		}
		seen, violations := rec.results()
		if len(violations) > 0 {
			t.Fatalf("environ of %q: %q", raw, violations)
		}
		checkFirstRequest(t, raw, seen)
	})
}

// dialFromAnywhere connects from a random address of 127.0.0.0/8. The
// client half-closes first, so each connection leaves a TIME_WAIT behind
// for a minute; from 127.0.0.1 alone a long run at thousands of
// connections a second would use up the ephemeral ports of the machine,
// stalling the fuzzer and failing the other tests' dials.
func dialFromAnywhere(addr string) (net.Conn, error) {
	d := net.Dialer{
		Timeout:   5 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, byte(1+rand.IntN(254)), byte(rand.IntN(256)), byte(1+rand.IntN(254)))},
	}
	return d.Dial("tcp", addr)
}

// checkFirstRequest compares the first environ the application saw with
// the first request line of raw, when that line has the plain shape.
func checkFirstRequest(t *testing.T, raw []byte, seen []environSeen) {
	method, target, proto, ok := simpleRequestLine(raw)
	if !ok || len(seen) == 0 {
		return
	}
	got := seen[0]
	if got.method != method || got.proto != proto {
		t.Fatalf("request line %q %q %q gave REQUEST_METHOD %q SERVER_PROTOCOL %q", method, target, proto, got.method, got.proto)
	}
	paths, query, ok := expectedPathQuery(target)
	if !ok {
		return
	}
	if got.query != query {
		t.Fatalf("target %q gave QUERY_STRING %q, want %q", target, got.query, query)
	}
	for _, p := range paths {
		if got.path == p {
			return
		}
	}
	t.Fatalf("target %q gave PATH_INFO %q, want one of %q", target, got.path, paths)
}
