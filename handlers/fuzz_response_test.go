package handlers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Fuzzed application steps, one byte of the program each (the byte modulo
// the number of steps).
const (
	stepBlock      = iota // the body yields the next piece of data
	stepWrite             // the write callable sends the next piece
	stepEmpty             // the body yields an empty block
	stepFail              // the body's Next returns an error
	stepPanic             // the body's Next panics
	stepRestart           // start_response again, without exc_info
	stepRestartExc        // start_response again, with exc_info
	stepReturn            // the application returns its body here
	numSteps
)

// Fuzzed Content-Length header, clMode modulo the number of modes.
const (
	clNone    = iota // no Content-Length from the application
	clRight          // the length of all the data the program produces
	clMore           // one more than that: the response is cut
	clLess           // one less: the application overruns it
	clLiteral        // the fuzzed string as it is (junk, negative, huge)
	numCLModes
)

// fuzzApp is an application whose behaviour is a fuzzed program; it keeps
// what it got through to the handler, to compare with what went out.
type fuzzApp struct {
	status   string
	hdrs     headers.Headers
	program  []byte
	data     []byte
	produced []byte // data handed to write() or yielded, accepted or not
	emitted  bool   // a write or a block (even empty) went to the handler
	failed   bool   // the application failed
	cut      bool   // it failed after something went to the handler
	pos      int    // next step
	next     int    // next byte of data
}

var errFuzzApp = errors.New("fuzzed application error")

// piece takes the next piece of data: one to eight bytes, the program's
// byte choosing the size.
func (a *fuzzApp) piece(op byte) []byte {
	n := min(int(op>>4)%8+1, len(a.data)-a.next)
	p := a.data[a.next : a.next+n]
	a.next += n
	a.emitted = true
	return p
}

// fail records a failure of the application and returns its error.
func (a *fuzzApp) fail(err error) error {
	a.failed, a.cut = true, a.emitted
	return err
}

func (a *fuzzApp) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	write, err := start(a.status, a.hdrs)
	if err != nil {
		return nil, a.fail(err)
	}
	for a.pos < len(a.program) {
		op := a.program[a.pos]
		a.pos++
		switch op % numSteps {
		case stepReturn:
			return a, nil
		case stepBlock, stepEmpty:
			a.pos-- // the body's first block: iteration starts here
			return a, nil
		case stepWrite:
			p := a.piece(op)
			a.produced = append(a.produced, p...)
			if err := write(p); err != nil {
				return nil, a.fail(err)
			}
		case stepFail:
			return nil, a.fail(errFuzzApp)
		case stepPanic:
			panic(a.fail(errFuzzApp))
		case stepRestart, stepRestartExc:
			var exc []error
			if op%numSteps == stepRestartExc {
				exc = []error{errFuzzApp}
			}
			if _, err := start(a.status, a.hdrs, exc...); err != nil {
				return nil, a.fail(err)
			}
		}
	}
	return a, nil
}

// Next runs the rest of the program as the body's iteration.
func (a *fuzzApp) Next() ([]byte, error) {
	for a.pos < len(a.program) {
		op := a.program[a.pos]
		a.pos++
		switch op % numSteps {
		case stepBlock, stepWrite:
			p := a.piece(op)
			a.produced = append(a.produced, p...)
			return p, nil
		case stepEmpty:
			a.emitted = true
			return nil, nil
		case stepFail:
			return nil, a.fail(errFuzzApp)
		case stepPanic:
			panic(a.fail(errFuzzApp))
		}
	}
	return nil, io.EOF
}

// programLength is how many bytes of data the program produces if nothing
// fails: what a right Content-Length says.
func programLength(program, data []byte) int {
	n, cut := 0, 0
	for _, op := range program {
		switch op % numSteps {
		case stepBlock, stepWrite:
			k := min(int(op>>4)%8+1, len(data)-cut)
			cut += k
			n += k
		case stepFail, stepPanic:
			return n
		}
	}
	return n
}

// FuzzHandlerResponse runs a Handler as an HTTP/1.1 origin server under an
// application whose status, headers, Content-Length and sequence of
// writes, blocks, errors, panics and repeated start_response calls are
// fuzzed, and checks what a client reading the connection would see:
//   - the bytes are one response http.ReadResponse accepts, with a 3-digit
//     status and no bare CR, LF or NUL in the head (a client would parse
//     anything else differently from a proxy in front of it);
//   - no byte follows a response whose body reads to its end: a client
//     would read such bytes as the response to its next request;
//   - when Reusable reports the connection reusable, the body reads
//     without error and is exactly what the application produced (nothing
//     for HEAD, 1xx, 204, 304) and the response does not say close;
//   - a response cut short (an error after the headers, fewer bytes than
//     its Content-Length) is never reusable.
func FuzzHandlerResponse(f *testing.F) {
	f.Add("200 OK", uint8(clRight), "", "Content-Type", "text/plain", []byte{stepBlock, stepBlock}, []byte("hello world"), uint8(7))
	f.Fuzz(func(t *testing.T, status string, clMode uint8, clValue, name, value string, program, data []byte, flags uint8) {
		if len(program) > 64 || len(data) > 512 {
			return
		}
		keepAlive, proto, method := flags&1 != 0, "HTTP/1.0", "GET"
		if flags&2 != 0 {
			proto = "HTTP/1.1"
		}
		if flags&4 != 0 {
			method = "HEAD"
		}
		app := &fuzzApp{status: status, program: program, data: data}
		if name != "" {
			app.hdrs = append(app.hdrs, headers.Field{Name: name, Value: value})
		}
		switch mode := clMode % numCLModes; mode {
		case clRight, clMore, clLess:
			n := programLength(program, data) + map[uint8]int{clRight: 0, clMore: 1, clLess: -1}[mode]
			app.hdrs = append(app.hdrs, headers.Field{Name: "Content-Length", Value: strconv.Itoa(n)})
		case clLiteral:
			app.hdrs = append(app.hdrs, headers.Field{Name: "Content-Length", Value: clValue})
		}
		out, h := runFuzzHandler(t, app, keepAlive, proto, method)
		checkFuzzResponse(t, out, h, app, method)
	})
}

func runFuzzHandler(t *testing.T, app *fuzzApp, keepAlive bool, proto, method string) ([]byte, *Handler) {
	env := &wsgiref.Environ{}
	env.Set("SERVER_PROTOCOL", proto)
	env.Set("REQUEST_METHOD", method)
	var out, errs bytes.Buffer
	h := NewSimpleHandler(strings.NewReader(""), &out, &errs, env, true, false)
	h.OriginServer, h.HTTPVersion, h.KeepAlive = true, "1.1", keepAlive
	h.ServerSoftware = "Fuzz/1"
	if err := h.Run(app); err != nil {
		// Writes to a bytes.Buffer never fail: nothing may reach the
		// caller.
		t.Fatalf("Run: %v", err)
	}
	return out.Bytes(), h
}

func checkFuzzResponse(t *testing.T, out []byte, h *Handler, app *fuzzApp, method string) {
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nstatus %q headers %q program %v, reusable %v\nresponse %q",
			fmt.Sprintf(format, args...), app.status, app.hdrs, app.program, h.Reusable(), out)
	}
	head, _, found := bytes.Cut(out, []byte("\r\n\r\n"))
	if !found {
		fail("no end of head")
	}
	for i, line := range bytes.Split(head, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n\x00") {
			fail("bare CR, LF or NUL in line %d %q", i, line)
		}
	}
	br := bufio.NewReader(bytes.NewReader(out))
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		fail("ReadResponse: %v", err)
	}
	if code := string(out[len("HTTP/1.1 ") : len("HTTP/1.1 ")+3]); strconv.Itoa(resp.StatusCode) != strings.TrimLeft(code, "0") && code != "000" {
		fail("status %q read as %d", code, resp.StatusCode)
	}
	body, bodyErr := io.ReadAll(resp.Body)
	rest, _ := io.ReadAll(br)
	errorPage := app.failed && !app.cut
	if bodyErr == nil && len(rest) > 0 {
		// Even on a connection about to close: a client that pipelined
		// its next request would take these bytes as its response.
		fail("%q follows the response", rest)
	}
	if h.Reusable() {
		if app.cut {
			fail("a response cut by an application error is reusable")
		}
		if bodyErr != nil {
			fail("reusable, but the body reads with %v", bodyErr)
		}
		if len(rest) > 0 {
			fail("reusable, but %q follows the response", rest)
		}
		want := app.produced
		if errorPage {
			want = []byte(DefaultErrorBody)
		}
		if method == "HEAD" || !bodyAllowedCode(resp.StatusCode) {
			want = nil
		}
		if !bytes.Equal(body, want) {
			fail("reusable, body %q, the application produced %q", body, want)
		}
		if resp.Close {
			fail("reusable, but the response says Connection: close")
		}
	}
}

// bodyAllowedCode is RFC 9112 6.3's rule as net/http's client applies
// it: no body after 1xx, 204 or 304, whatever the headers say.
func bodyAllowedCode(code int) bool {
	return (code < 100 || code > 199) && code != 204 && code != 304
}

// TestContentLengthRefused: a Content-Length that is not one decimal
// number is an application error answered with the error page. CPython
// sends it as it is, and every HTTP client then rejects the response
// (FuzzHandlerResponse found "Content-Length: " and "-1" going out).
func TestContentLengthRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lengths []string
		refused bool
	}{
		{"empty", []string{""}, true},
		{"negative", []string{"-1"}, true},
		{"sign", []string{"+3"}, true},
		{"junk", []string{"3x"}, true},
		{"list", []string{"3, 3"}, true},
		{"too long", []string{"1234567890123456789"}, true},
		{"two that disagree", []string{"3", "4"}, true},
		{"two that agree", []string{"3", "3"}, false},
		{"leading zero", []string{"03"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, out, errs := originHandler("HTTP/1.1", "GET", "1.1", true)
			var startErr error
			err := h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				var hdrs headers.Headers
				for _, l := range tc.lengths {
					hdrs = append(hdrs, headers.Field{Name: "Content-Length", Value: l})
				}
				_, startErr = s("200 OK", hdrs)
				return wsgiref.Strings("abc"), startErr
			}))
			if err != nil {
				t.Fatal(err)
			}
			if refused := errors.Is(startErr, ErrContentLength); refused != tc.refused {
				t.Fatalf("start_response error %v, want refused %v", startErr, tc.refused)
			}
			resp, err := http.ReadResponse(bufio.NewReader(out), &http.Request{Method: "GET"})
			if err != nil {
				t.Fatalf("ReadResponse: %v in %q", err, out)
			}
			body, _ := io.ReadAll(resp.Body)
			want, code := "abc", 200
			if tc.refused {
				want, code = DefaultErrorBody, 500
				if !strings.Contains(errs.String(), ErrContentLength.Error()) {
					t.Errorf("log %q", errs)
				}
			}
			if resp.StatusCode != code || string(body) != want || !h.Reusable() {
				t.Errorf("got %d %q reusable %v", resp.StatusCode, body, h.Reusable())
			}
		})
	}
}

// TestNoBytesPastFraming pins what FuzzHandlerResponse found: bytes an
// application produces where the response has no room for them (after a
// 1xx, 204 or 304, past its Content-Length) were sent, and a keep-alive
// client would have read them as the next response. A control byte in a
// header value made net/http's client reject the response.
func TestNoBytesPastFraming(t *testing.T) {
	for _, tc := range []struct {
		name, status, length, value string
		wantCode                    int
		wantBody                    string
		reusable                    bool
		log                         string
	}{
		{"204 with a body", "204 No Content", "4", "v", 204, "", true, ""},
		{"304 with a body", "304 Not Modified", "4", "v", 304, "", true, ""},
		{"1xx as final status", "100 Continue", "4", "v", 100, "", false, ""},
		{"body past Content-Length", "200 OK", "3", "v", 200, "hel", false, ErrBodyOverrun.Error()},
		{"control byte in a value", "200 OK", "", "a\x01b", 500, DefaultErrorBody, true, "control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, out, errs := originHandler("HTTP/1.1", "GET", "1.1", true)
			hdrs := headers.Headers{{Name: "X-A", Value: tc.value}}
			if tc.length != "" {
				hdrs = append(hdrs, headers.Field{Name: "Content-Length", Value: tc.length})
			}
			err := h.Run(wsgiref.AppFunc(func(e *wsgiref.Environ, s wsgiref.StartResponse) (wsgiref.Body, error) {
				_, err := s(tc.status, hdrs)
				return wsgiref.Strings("hell", "o"), err
			}))
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(bytes.NewReader(out.Bytes()))
			resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
			if err != nil {
				t.Fatalf("ReadResponse: %v in %q", err, out)
			}
			body, _ := io.ReadAll(resp.Body)
			rest, _ := io.ReadAll(br)
			if resp.StatusCode != tc.wantCode || string(body) != tc.wantBody || len(rest) > 0 || h.Reusable() != tc.reusable {
				t.Errorf("got %d body %q then %q, reusable %v", resp.StatusCode, body, rest, h.Reusable())
			}
			if !strings.Contains(errs.String(), tc.log) || tc.log == "" && errs.Len() > 0 {
				t.Errorf("log %q, want %q", errs, tc.log)
			}
		})
	}
}
