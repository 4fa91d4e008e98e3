package simpleserver

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/oracle"
)

// The differential test sends the same generated raw requests to this
// server and to CPython's own wsgiref.simple_server (testdata/
// cpython_environ.py), over real sockets, one connection per request as
// CPython's server serves them. Where both accept a request, the environs
// must be identical: the same keys in the same order with the same values,
// the request body included, once the deliberate differences below are
// taken out. Requests only one server accepts are counted, not failed:
// this server is stricter than CPython by design (RFC 9112), see
// doc.go and RELIABILITY.md.
//
// Deliberate differences (the whole list):
//   - SERVER_PORT is each server's own port.
//   - SERVER_SOFTWARE names the runtime: "WSGIServer/0.2 Go/1.26.x" here,
//     as this server's Server header does, "WSGIServer/0.2" in CPython's
//     environ (its key's position is still compared).
//   - PATH_INFO of an absolute-form target ("http://example.com/p") is
//     its path, "/p" (RFC 9112 3.2.2); CPython passes the whole URI on.
//     Its HTTP_HOST is the target's host (RFC 9112 3.2.2: the Host
//     field is ignored); CPython keeps the field's value.
//   - A PATH_INFO that starts with "//" once decoded is collapsed to one
//     "/" (no open redirect through "/%2F%2Fevil"); CPython collapses only
//     the raw target's leading "//".
//   - CONTENT_TYPE and CONTENT_LENGTH carry no trailing whitespace: it is
//     not part of a field value (RFC 9110 5.5), and this server strips it
//     from every field. CPython's get_environ strips the HTTP_* values but
//     copies Content-Type and Content-Length as parsed, trailing blanks
//     included.
//   - Field names containing "_" are dropped by this server by default,
//     as gunicorn and nginx do: CPython is sent the request without those
//     field lines. The same request with those lines goes to a server with
//     WithUnderscoreFields(true) and to CPython, and must match as sent.
const diffRequests = 3000

// diffSeed is the generator's seed; WSGIREF_DIFF_SEED picks another, to
// explore.
func diffSeed(t *testing.T) uint64 {
	if s := os.Getenv("WSGIREF_DIFF_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WSGIREF_DIFF_SEED=%q: %v", s, err)
		}
		return n
	}
	return 11
}

// diffField is one generated field line.
type diffField struct{ name, value string }

// diffRequest is one generated request, kept in parts so that the request
// CPython gets can leave out the fields this server drops on purpose.
type diffRequest struct {
	method, target, version string
	fields                  []diffField
	body                    string
	eol                     string // "\r\n", or "\n" for a bare-LF request
}

// raw renders the request; with dropUnderscore the fields whose names
// contain "_" are left out.
func (r *diffRequest) raw(dropUnderscore bool) []byte {
	var b bytes.Buffer
	b.WriteString(r.method + " " + r.target)
	if r.version != "" {
		b.WriteString(" " + r.version)
	}
	b.WriteString(r.eol)
	for _, f := range r.fields {
		if dropUnderscore && strings.Contains(f.name, "_") {
			continue
		}
		b.WriteString(f.name + ":" + f.value + r.eol)
	}
	b.WriteString(r.eol)
	b.WriteString(r.body)
	return b.Bytes()
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// Pools of parts. Each shape is here because a server could get it wrong:
// escapes, Latin-1, dot segments, names that collide with CGI variables,
// names that differ only by case or by "-" and "_", repeats.
var (
	diffMethods  = []string{"GET", "GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND", "M-SEARCH", "get", "X.Y_Z~!"}
	diffSegments = []string{"a", "b", "index.html", ".", "..", "", "%2e%2e", "%2E", "%2F", "%2f", "%20", "caf%C3%A9", "%e9", "%E9", "%41%42",
		"~user", "a;b=c", "a:b", "@x", "!$&'()*+,=", "%25", "%2525", "%3F", "%23", "+", "x%2By", "%7E", "\xe9", "caf\xc3\xa9"}
	diffQueries = []string{"", "", "", "?", "?a=1", "?a=1&b=%20&c", "?q=caf%C3%A9+x", "?a?b", "?%zz", "?x=/../", "?=&=", "?a=\xe9", "?%00"}
	diffNames   = []string{"User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Cookie", "Referer", "Content-Type",
		"Authorization", "X-Forwarded-For", "X-Request-Id", "Cache-Control", "Pragma", "If-None-Match", "Origin", "Connection",
		"X-Custom", "Foo", "X-A", "X-B", "Http-Foo", "Http-Host", "Dnt", "Sec-Fetch-Mode",
		"X_Foo", "x_forwarded_for", "X-Foo", "Path-Info", "Query-String", "Remote-Addr", "Server-Name", "Script-Name",
		"Request-Method", "Server-Protocol", "Gateway-Interface", "Server-Software", "Remote-Host", "Server-Port", "Wsgi.Input", "Wsgi-Url-Scheme"}
	diffValues = []string{"1", "text/html", "gzip, deflate", "a=b; c=d", "  padded  ", "", " ", "tab\tinside", "caf\xe9", `"quoted"`, "x,y",
		"text/plain; charset=utf-8", "no-cache", "close", "keep-alive", "127.0.0.1, 10.0.0.1", strings.Repeat("v", 200), "*/*", "\xff\xfe"}
)

// mixCase flips the case of some letters of a field name.
func mixCase(r *rand.Rand, s string) string {
	switch r.IntN(4) {
	case 0:
		return strings.ToLower(s)
	case 1:
		return strings.ToUpper(s)
	case 2:
		b := []byte(s)
		for i, c := range b {
			if r.IntN(2) == 0 && c >= 'a' && c <= 'z' {
				b[i] = c - 'a' + 'A'
			} else if c >= 'A' && c <= 'Z' && r.IntN(2) == 0 {
				b[i] = c - 'A' + 'a'
			}
		}
		return string(b)
	}
	return s
}

// genRequest makes one request. Most are shapes both servers should
// accept, so that thousands of environs are compared; a few are shapes one
// of them refuses.
func genRequest(r *rand.Rand) *diffRequest {
	q := &diffRequest{method: pick(r, diffMethods...), version: "HTTP/1.1", eol: "\r\n"}
	switch n := r.IntN(100); {
	case n < 28:
		q.version = "HTTP/1.0"
	case n < 30:
		q.version = pick(r, "HTTP/1.2", "HTTP/1.10", "HTTP/2.0", "HTTP/0.9", "http/1.1", "")
	}
	// The target.
	switch n := r.IntN(100); {
	case n < 3:
		q.target = "*"
	case n < 6:
		q.target = "http://example.com/" + pick(r, diffSegments...) + pick(r, diffQueries...)
	default:
		var b strings.Builder
		if r.IntN(15) == 0 {
			b.WriteString("/")
		}
		for range 1 + r.IntN(4) {
			b.WriteString("/" + pick(r, diffSegments...))
		}
		b.WriteString(pick(r, diffQueries...))
		q.target = b.String()
	}
	// The fields: a Host first most of the time, then up to a dozen.
	if q.version != "HTTP/1.0" || r.IntN(2) == 0 {
		if r.IntN(30) != 0 {
			q.fields = append(q.fields, diffField{mixCase(r, "Host"), " " + pick(r, "localhost", "example.com:8080", "[::1]", "h")})
		}
	}
	for range r.IntN(13) {
		var name string
		if f := q.fields[r.IntN(len(q.fields)+1):]; len(f) > 0 && r.IntN(4) == 0 && !strings.EqualFold(f[0].name, "Host") {
			name = mixCase(r, f[0].name) // a repeat
		} else {
			name = mixCase(r, pick(r, diffNames...))
		}
		sep := pick(r, " ", " ", "", "  ", "\t")
		q.fields = append(q.fields, diffField{name, sep + pick(r, diffValues...)})
	}
	// The body.
	if q.method == "POST" || q.method == "PUT" || q.method == "PATCH" || r.IntN(20) == 0 {
		body := strings.Repeat(pick(r, "x", "ab", "\xe9\x00", "\r\n"), r.IntN(40))
		if q.version == "HTTP/1.1" && r.IntN(4) == 0 {
			q.fields = append(q.fields, diffField{mixCase(r, "Transfer-Encoding"), " chunked"})
			if body != "" {
				q.body = fmt.Sprintf("%x\r\n%s\r\n", len(body), body)
			}
			q.body += "0\r\n\r\n"
		} else {
			q.fields = append(q.fields, diffField{mixCase(r, "Content-Length"), pick(r, " ", " ", "", "\t") + strconv.Itoa(len(body)) + pick(r, "", "", "", " ", "\t ")})
			q.body = body
		}
		if r.IntN(2) == 0 {
			q.fields = append(q.fields, diffField{"Content-Type", " application/x-www-form-urlencoded"})
		}
	}
	if r.IntN(100) < 3 {
		q.eol = "\n"
	}
	return q
}

// diffVar is one environ variable.
type diffVar struct{ key, value string }

// diffAnswer is what one server made of a request: the status, and the
// environ when the application ran.
type diffAnswer struct {
	status int
	reason string // the error page's message
	env    []diffVar
	err    error
}

func (a diffAnswer) accepted() bool { return a.err == nil && a.env != nil }

// decodeEnviron reads the X-Environ header both applications send.
func decodeEnviron(h string) ([]diffVar, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts)%2 != 1 || parts[len(parts)-1] != "" {
		return nil, fmt.Errorf("odd environ %q", b)
	}
	env := []diffVar{}
	for i := 0; i+1 < len(parts); i += 2 {
		env = append(env, diffVar{parts[i], parts[i+1]})
	}
	return env, nil
}

// environApp is cpython_environ.py's application in Go.
var environApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	var out []byte
	for k, v := range env.All() {
		out = append(out, k...)
		out = append(out, 0)
		out = append(out, v...)
		out = append(out, 0)
	}
	if length := env.Get("CONTENT_LENGTH"); length != "" {
		if n, err := strconv.Atoi(length); err == nil && n >= 0 {
			body := make([]byte, n)
			m, _ := io.ReadFull(env.Input, body)
			out = append(out, "(body)\x00"...)
			out = append(out, body[:m]...)
			out = append(out, 0)
		}
	}
	_, err := start("200 OK", headers.Headers{
		{Name: "Content-Type", Value: "text/plain"},
		{Name: "X-Environ", Value: hex.EncodeToString(out)},
	})
	return wsgiref.Strings(""), err
})

// ask sends raw on a new connection, ends the client's side and reads the
// first final response.
func ask(addr, method string, raw []byte) diffAnswer {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return diffAnswer{err: err}
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(raw); err != nil {
		return diffAnswer{err: err}
	}
	c.(*net.TCPConn).CloseWrite()
	br := bufio.NewReader(c)
	for {
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			return diffAnswer{err: err}
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 200 {
			a := diffAnswer{status: resp.StatusCode}
			if _, msg, ok := strings.Cut(string(page), "<p>Message: "); ok {
				a.reason, _, _ = strings.Cut(msg, ".</p>")
			}
			if h, ok := resp.Header["X-Environ"]; ok && resp.StatusCode == 200 {
				a.env, a.err = decodeEnviron(h[0])
			}
			return a
		}
	}
}

// startCPythonServer runs testdata/cpython_environ.py and returns its
// address and server name.
func startCPythonServer(t *testing.T) (addr, serverName string) {
	py := oracle.Python(t)
	cmd := exec.Command(py, "testdata/cpython_environ.py")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if stderr.Len() > 0 {
			t.Logf("cpython_environ.py stderr:\n%s", stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("cpython_environ.py: %v\n%s", err, stderr.String())
	}
	port, name, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		t.Fatalf("cpython_environ.py said %q", line)
	}
	return net.JoinHostPort("127.0.0.1", port), name
}

// normalize takes the deliberate differences out of an environ: SERVER_PORT
// is the server's own, SERVER_SOFTWARE names the runtime, and in CPython's
// (target not empty) PATH_INFO and HTTP_HOST become what this server makes
// of the target by design, and CONTENT_TYPE and CONTENT_LENGTH lose their
// trailing blanks.
func normalize(env []diffVar, port, target string) []diffVar {
	out := make([]diffVar, len(env))
	for i, v := range env {
		switch {
		case v.key == "PATH_INFO" && target != "":
			v.value = deliberatePath(target, v.value)
		case (v.key == "CONTENT_TYPE" || v.key == "CONTENT_LENGTH") && target != "":
			v.value = strings.TrimRight(v.value, " \t")
		case v.key == "HTTP_HOST" && target != "":
			if host, ok := absoluteAuthority(target); ok {
				v.value = host
			}
		case v.key == "SERVER_PORT" && v.value == port:
			v.value = "(port)"
		case v.key == "SERVER_SOFTWARE" && strings.HasPrefix(v.value, "WSGIServer/0.2"):
			v.value = "(software)"
		}
		out[i] = v
	}
	return out
}

// deliberatePath turns CPython's PATH_INFO for the target into this
// server's: the path of an absolute-form target, leading slashes collapsed
// after decoding.
//
// For example, "http://example.com/a" with "http://example.com/a" gives
// "/a", and "/%2F/b" with "///b" gives "/b".
func deliberatePath(target, path string) string {
	for _, scheme := range []string{"http://", "https://"} {
		if len(target) >= len(scheme) && strings.EqualFold(target[:len(scheme)], scheme) && len(path) >= len(scheme) {
			rest := path[len(scheme):]
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				path = rest[i:]
			} else {
				path = "/"
			}
		}
	}
	if strings.HasPrefix(path, "//") {
		path = "/" + strings.TrimLeft(path, "/")
	}
	return path
}

// absoluteAuthority returns the host of an absolute-form target:
// "http://example.com:80/p?q" gives "example.com:80".
func absoluteAuthority(target string) (string, bool) {
	for _, scheme := range []string{"http://", "https://"} {
		if len(target) >= len(scheme) && strings.EqualFold(target[:len(scheme)], scheme) {
			rest := target[len(scheme):]
			if i := strings.IndexAny(rest, "/?"); i >= 0 {
				rest = rest[:i]
			}
			return rest, true
		}
	}
	return "", false
}

// firstDifference describes where two environs part, or returns "".
func firstDifference(ours, py []diffVar) string {
	for i := 0; i < len(ours) || i < len(py); i++ {
		switch {
		case i >= len(ours):
			return fmt.Sprintf("CPython has more: %q=%q at %d", py[i].key, py[i].value, i)
		case i >= len(py):
			return fmt.Sprintf("ours has more: %q=%q at %d", ours[i].key, ours[i].value, i)
		case ours[i] != py[i]:
			return fmt.Sprintf("at %d: ours %q=%q, CPython %q=%q", i, ours[i].key, ours[i].value, py[i].key, py[i].value)
		}
	}
	return ""
}

// A diffCase is one comparison: the bytes this server gets, the bytes
// CPython gets, and which of this server's configurations answers.
type diffCase struct {
	req        *diffRequest
	ours, py   []byte
	underscore bool // this server runs WithUnderscoreFields(true)
}

// diffCases turns the requests into comparisons: each request to the
// default server against CPython without the "_" fields, and each request
// with a "_" field also to a server keeping them against CPython with the
// same bytes.
func diffCases(reqs []*diffRequest) []diffCase {
	var cases []diffCase
	for _, q := range reqs {
		cases = append(cases, diffCase{req: q, ours: q.raw(false), py: q.raw(true)})
		if !bytes.Equal(q.raw(false), q.raw(true)) {
			cases = append(cases, diffCase{req: q, ours: q.raw(false), py: q.raw(false), underscore: true})
		}
	}
	return cases
}

// TestCPythonDifferential: see the comment on diffRequests.
func TestCPythonDifferential(t *testing.T) {
	pyAddr, serverName := startCPythonServer(t)
	plain := startServer(t, environApp, WithServerName(serverName))
	keeping := startServer(t, environApp, WithServerName(serverName), WithUnderscoreFields(true))
	_, pyPort, _ := net.SplitHostPort(pyAddr)

	r := rand.New(rand.NewPCG(diffSeed(t), 3333))
	reqs := make([]*diffRequest, diffRequests)
	for i := range reqs {
		reqs[i] = genRequest(r)
	}
	cases := diffCases(reqs)
	ours := make([]diffAnswer, len(cases))
	py := make([]diffAnswer, len(cases))
	// A few connections at a time to each server: CPython's serves one
	// at a time from its listen queue.
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(cases); i += workers {
				c := cases[i]
				srv := plain
				if c.underscore {
					srv = keeping
				}
				method := strings.ToUpper(c.req.method)
				ours[i] = ask(srv.Addr().String(), method, c.ours)
				py[i] = ask(pyAddr, method, c.py)
			}
		}()
	}
	wg.Wait()

	var both, identical, onlyOurs, onlyPy, neither, keptUnderscore int
	refusedBy := map[string]int{} // only CPython accepts: our status and reason
	var mismatches int
	for i, c := range cases {
		o, p := ours[i], py[i]
		goPort := strconv.Itoa(plain.ServerPort())
		if c.underscore {
			goPort = strconv.Itoa(keeping.ServerPort())
			keptUnderscore++
		}
		switch {
		case o.accepted() && p.accepted():
			both++
			if d := firstDifference(normalize(o.env, goPort, ""), normalize(p.env, pyPort, c.req.target)); d != "" {
				mismatches++
				if mismatches <= 20 {
					t.Errorf("request %q (WithUnderscoreFields(%v)):\n  %s", c.ours, c.underscore, d)
				}
				continue
			}
			identical++
		case o.accepted():
			onlyOurs++
			if onlyOurs <= 5 {
				t.Logf("only ours accepts (CPython %d %v): %q", p.status, p.err, c.py)
			}
		case p.accepted():
			onlyPy++
			refusedBy[fmt.Sprintf("%d %s", o.status, o.reason)]++
			if onlyPy <= 5 {
				t.Logf("only CPython accepts (ours %d %v): %q", o.status, o.err, c.ours)
			}
		default:
			neither++
		}
	}
	t.Logf("CPython %v, %d requests, %d comparisons (%d with WithUnderscoreFields(true)): both accept %d, identical %d (%.0f%%), only ours %d, only CPython %d, neither %d",
		oracle.Current(t), len(reqs), len(cases), keptUnderscore, both, identical, 100*float64(identical)/float64(max(both, 1)), onlyOurs, onlyPy, neither)
	for _, k := range slices.Sorted(maps.Keys(refusedBy)) {
		t.Logf("only CPython accepts, this server answers %q: %d", k, refusedBy[k])
	}
	if mismatches > 20 {
		t.Errorf("... and %d more mismatches", mismatches-20)
	}
	if both < len(cases)/2 {
		t.Errorf("both servers accept only %d of %d: the generator no longer tests environs", both, len(cases))
	}
}
