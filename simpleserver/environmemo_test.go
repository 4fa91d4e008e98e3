package simpleserver

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// environLog is an application that answers 200 and records each
// environ it gets, every variable in order, keyed by an X-Seq field.
type environLog struct {
	mu   sync.Mutex
	seen map[string]string
}

func (a *environLog) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	var b strings.Builder
	for k, v := range env.All() {
		fmt.Fprintf(&b, "%s=%q\n", k, v)
	}
	a.mu.Lock()
	a.seen[env.Get("QUERY_STRING")] = b.String()
	a.mu.Unlock()
	// Change the environ: the memo must not see it.
	env.Set("HTTP_HOST", "changed")
	env.Set("PATH_INFO", "/changed")
	env.Del("SERVER_NAME")
	_, err := start("200 OK", headers.Headers{{Name: "Content-Length", Value: "0"}})
	return wsgiref.Strings(), err
}

// memoRequest draws a request whose line often changes while its fields
// repeat the request before, and whose fields change now and then, in
// the ways GetEnviron treats a field specially: repeats, Content-Type and
// Content-Length, names with "_", a name whose bare key another sets, an
// absolute-form target.
func memoRequest(rng *rand.Rand, seq int, fields string) (req, kept string) {
	paths := []string{"/", "/a", "/a%20b", "/x/y", "http://abs.example:81/p", "http://h/q"}
	methods := []string{"GET", "HEAD", "POST", "DELETE"}
	extras := []string{"Host: h\r\n", "Host: h\r\nUser-Agent: ua\r\nAccept: */*\r\n",
		"Host: h\r\nX-A: 1\r\nX-B: 2\r\nX-A: 3\r\n", "Host: h\r\nContent-Type: text/x\r\nContent-Length: 0\r\n",
		"Host: h\r\nX_U: 1\r\nX-U: 2\r\n", "Host: h\r\nHttp-X: 1\r\nX: 2\r\nHttp-X: 3\r\n",
		"Host: h\r\nServer-Name: s\r\nCookie: a=1\r\nCookie: b=2\r\n", "Host: h\r\nX-Pad:  v \r\n"}
	if fields == "" || rng.IntN(4) == 0 {
		fields = extras[rng.IntN(len(extras))]
	}
	line := methods[rng.IntN(len(methods))] + " " + paths[rng.IntN(len(paths))]
	if strings.Contains(line, "?") {
		line += "&"
	} else {
		line += "?"
	}
	line += fmt.Sprintf("seq=%d HTTP/1.1\r\n", seq)
	return line + fields + "\r\n", fields
}

// TestEnvironMemo sends requests one after the other on one connection,
// where the fields often repeat the request before (the memo's case), and
// checks every environ against the one the same request gets as the first
// of its own connection, where no memo exists: the same variables, values
// and order, whatever the application did to the environ before.
func TestEnvironMemo(t *testing.T) {
	for _, underscore := range []bool{false, true} {
		app := &environLog{seen: map[string]string{}}
		ts := startServer(t, app, WithUnderscoreFields(underscore))
		rng := rand.New(rand.NewPCG(3, 11))
		var stream strings.Builder
		var reqs []string
		fields := ""
		for seq := range 300 {
			var req string
			req, fields = memoRequest(rng, seq, fields)
			reqs = append(reqs, req)
			stream.WriteString(req)
		}
		stream.WriteString("GET /end HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		roundTrip(t, ts.Addr(), stream.String())
		onOne := app.seen
		app.seen = map[string]string{}
		for _, req := range reqs {
			roundTrip(t, ts.Addr(), strings.Replace(req, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1))
		}
		for seq, req := range reqs {
			q := fmt.Sprintf("seq=%d", seq)
			for k := range app.seen {
				if strings.HasSuffix(k, q) {
					q = k
				}
			}
			got, want := onOne[q], app.seen[q]
			// The alone request has one more field, Connection: close.
			want = strings.Replace(want, "HTTP_CONNECTION=\"close\"\n", "", 1)
			if got == "" || got != want {
				t.Fatalf("underscore %v, request %d %q on a kept-alive connection:\n%s\nalone:\n%s", underscore, seq, req, got, want)
			}
		}
	}
}

// TestBareKeysOfEditedBase checks CPython's rule that a field whose bare
// key is set is skipped, where the set keys are not the usual ones: a
// base environ with a key of its own (X_EXTRA, the bare key of X-Extra)
// and without CONTENT_LENGTH, which then comes after the start. GetEnviron
// looks a bare key up only when the start may hold it, so each of the
// three requests (new fields, the memo kept, the memo reused) must skip
// X-Extra, the Content-Length field and Http-X after X.
func TestBareKeysOfEditedBase(t *testing.T) {
	app := &environLog{seen: map[string]string{}}
	srv, err := MakeServer("127.0.0.1", 0, app, WithLogger(slog.New(slog.DiscardHandler)), WithServerName("localhost"))
	if err != nil {
		t.Fatal(err)
	}
	srv.BaseEnviron().Set("X_EXTRA", "base")
	srv.BaseEnviron().Del("CONTENT_LENGTH")
	go srv.ServeForever()
	t.Cleanup(func() { srv.Close() })
	fields := "Host: h\r\nX-Extra: field\r\nContent-Length: 0\r\nX: 2\r\nHttp-X: 1\r\nServer-Name: evil\r\n"
	var stream strings.Builder
	for i := range 3 {
		stream.WriteString(fmt.Sprintf("GET /p?n=%d HTTP/1.1\r\n%s\r\n", i, fields))
	}
	stream.WriteString("GET /end HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
	roundTrip(t, srv.Addr(), stream.String())
	for i := range 3 {
		q := fmt.Sprintf("n=%d", i)
		want := "SERVER_NAME=\"localhost\"\nGATEWAY_INTERFACE=\"CGI/1.1\"\nSERVER_PORT=\"" + strconv.Itoa(srv.ServerPort()) + "\"\n" +
			"REMOTE_HOST=\"\"\nSCRIPT_NAME=\"\"\nX_EXTRA=\"base\"\nSERVER_PROTOCOL=\"HTTP/1.1\"\nSERVER_SOFTWARE=\"" + SoftwareVersion + "\"\n" +
			"REQUEST_METHOD=\"GET\"\nPATH_INFO=\"/p\"\nQUERY_STRING=\"" + q + "\"\nREMOTE_ADDR=\"127.0.0.1\"\nCONTENT_TYPE=\"text/plain\"\n" +
			"CONTENT_LENGTH=\"0\"\nHTTP_HOST=\"h\"\nHTTP_X=\"2\"\nwsgi.url_scheme=\"http\"\n"
		if got := app.seen[q]; got != want {
			t.Errorf("request %d: environ\n%s\nwant\n%s", i, got, want)
		}
	}
}

// TestConsecutiveRepeats checks the fields of one key sent in a row,
// which GetEnviron joins without looking the key up again, against
// CPython's rule, around the fields that do not reach the environ: one
// dropped for its "_" (unless WithUnderscoreFields), ones skipped for
// their bare key (Server-Name; Http-X-A after X-A), and Y after Http-Y.
func TestConsecutiveRepeats(t *testing.T) {
	fields := "Host: h\r\nX-A: 1\r\nX-A: 2\r\nX_A: 3\r\nX-A: 4\r\nServer-Name: s\r\nServer-Name: t\r\n" +
		"Http-X-A: 5\r\nHttp-Y: 6\r\nY: 7\r\nY: 8\r\n"
	for _, underscore := range []bool{false, true} {
		app := &environLog{seen: map[string]string{}}
		ts := startServer(t, app, WithUnderscoreFields(underscore))
		var stream strings.Builder
		for i := range 3 {
			stream.WriteString(fmt.Sprintf("GET /p?n=%d HTTP/1.1\r\n%s\r\n", i, fields))
		}
		stream.WriteString("GET /end HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		roundTrip(t, ts.Addr(), stream.String())
		xa := "1,2,4"
		if underscore {
			xa = "1,2,3,4"
		}
		want := "HTTP_HOST=\"h\"\nHTTP_X_A=\"" + xa + "\"\nHTTP_HTTP_Y=\"6\"\nHTTP_Y=\"7,8\"\nwsgi.url_scheme=\"http\"\n"
		for i := range 3 {
			got := app.seen[fmt.Sprintf("n=%d", i)]
			if _, fieldVars, _ := strings.Cut(got, "CONTENT_TYPE=\"text/plain\"\n"); fieldVars != want {
				t.Errorf("underscore %v, request %d: environ\n%s\nwant it to end in\n%s", underscore, i, got, want)
			}
		}
	}
}
