package scgi

import (
	"strings"
	"testing"
	"time"
)

// TestBadInput sends each malformed request to one server and checks the
// status the front end gets (none when it cannot read any more), the
// reason logged, and that the next good request is served.
func TestBadInput(t *testing.T) {
	ts := start(t, "tcp", WithMaxHeaderBytes(1000), WithMaxBodyBytes(100), WithHeaderTimeout(300*time.Millisecond))
	cases := []struct {
		name       string
		raw        string
		closeWrite bool
		status     string // "" when nothing is answered
		reason     string
	}{
		{name: "not a netstring", raw: "GET / HTTP/1.1\r\n\r\n", status: "400 Bad Request", reason: "scgi: refused request: malformed netstring"},
		{name: "leading zero", raw: "01:x,", status: "400 Bad Request", reason: "scgi: refused request: malformed netstring"},
		{name: "empty length", raw: ":x,", status: "400 Bad Request", reason: "scgi: refused request: malformed netstring"},
		{name: "no comma", raw: "3:abc;", status: "400 Bad Request", reason: "scgi: refused request: malformed netstring"},
		{name: "oversized netstring", raw: "1001:", status: "431 Request Header Fields Too Large", reason: "request variables larger than the limit"},
		{name: "huge length", raw: "99999999999999999999999:", status: "431 Request Header Fields Too Large", reason: "request variables larger than the limit"},
		{name: "truncated length", raw: "12", closeWrite: true, reason: "connection closed in the middle of the request"},
		{name: "truncated data", raw: "30:CONTENT_LENGTH\x000\x00", closeWrite: true, reason: "connection closed in the middle of the request"},
		{name: "slow headers", raw: "30:CONTENT_LENGTH", status: "408 Request Timeout", reason: "i/o timeout"},
		{name: "empty block", raw: "0:,", status: "400 Bad Request", reason: "scgi: refused request: CONTENT_LENGTH is not the first header"},
		{name: "content length not first", raw: ns("SCGI\x001\x00CONTENT_LENGTH\x000\x00"), status: "400 Bad Request", reason: "scgi: refused request: CONTENT_LENGTH is not the first header"},
		{name: "no SCGI", raw: ns("CONTENT_LENGTH\x000\x00"), status: "400 Bad Request", reason: "scgi: refused request: SCGI header missing or not 1"},
		{name: "SCGI 2", raw: ns("CONTENT_LENGTH\x000\x00SCGI\x002\x00"), status: "400 Bad Request", reason: "scgi: refused request: SCGI header missing or not 1"},
		{name: "value without NUL", raw: ns("CONTENT_LENGTH\x000\x00SCGI\x001"), status: "400 Bad Request", reason: "scgi: refused request: malformed header block"},
		{name: "empty name", raw: ns("CONTENT_LENGTH\x000\x00SCGI\x001\x00\x00x\x00"), status: "400 Bad Request", reason: "scgi: refused request: malformed header block"},
		{name: "duplicate length", raw: ns("CONTENT_LENGTH\x000\x00SCGI\x001\x00CONTENT_LENGTH\x005\x00"), status: "400 Bad Request", reason: "scgi: refused request: CONTENT_LENGTH given twice"},
		{name: "signed length", raw: ns("CONTENT_LENGTH\x00+5\x00SCGI\x001\x00"), status: "400 Bad Request", reason: "CONTENT_LENGTH is not a decimal number"},
		{name: "empty length value", raw: ns("CONTENT_LENGTH\x00\x00SCGI\x001\x00"), status: "400 Bad Request", reason: "CONTENT_LENGTH is not a decimal number"},
		{name: "body over limit", raw: ns("CONTENT_LENGTH\x00101\x00SCGI\x001\x00"), status: "413 Content Too Large", reason: "request body larger than the limit"},
		{name: "client vanishes mid-body", raw: ns("CONTENT_LENGTH\x0050\x00SCGI\x001\x00") + "only ten b", closeWrite: true,
			status: "500 Internal Server Error", reason: "scgi: request body: connection closed in the middle of the request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(ts.log.String())
			got, err := ts.roundTrip(t, []byte(tc.raw), tc.closeWrite)
			if err != nil {
				t.Fatalf("reading the answer: %v (got %q)", err, got)
			}
			if tc.status == "" {
				if got != "" {
					t.Errorf("answered %q, want nothing", got)
				}
			} else if !strings.HasPrefix(got, "Status: "+tc.status+"\r\n") {
				t.Errorf("answered %q, want status %s", got, tc.status)
			}
			logged := waitLog(ts, before)
			if !strings.Contains(logged, tc.reason) || !strings.Contains(logged, "level=WARN") {
				t.Errorf("logged %q, want a warning with %q", logged, tc.reason)
			}
			if ok, err := ts.roundTrip(t, request("", "X_ECHO", "SCGI"), false); err != nil || !strings.HasSuffix(ok, "\r\n\r\nSCGI=1\n") {
				t.Errorf("next request: %q, %v", ok, err)
			}
		})
	}
}

// waitLog returns what was logged after before, waiting a little for the
// server's goroutine, which logs after it closed the connection.
func waitLog(ts *testServer, before int) string {
	for range 200 {
		if s := ts.log.String()[before:]; s != "" {
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	return ""
}

// ns wraps data in a netstring.
func ns(data string) string {
	return itoa(len(data)) + ":" + data + ","
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestErrorAfterHeaders: the application fails after its first block, so
// the connection is reset and the front end sees an incomplete response,
// never a clean end that it could pass on as complete.
func TestErrorAfterHeaders(t *testing.T) {
	ts := start(t, "tcp")
	got, err := ts.roundTrip(t, request("", "PATH_INFO", "/late"), false)
	if err == nil || !strings.Contains(err.Error(), "reset") {
		t.Errorf("read ended with %v, want a connection reset (got %q)", err, got)
	}
	if !strings.Contains(ts.errs.String(), "failing after the headers") {
		t.Errorf("wsgi.errors: %q", ts.errs.String())
	}
}

// TestErrorBeforeHeaders: the handler's error page, in the Status: form.
func TestErrorBeforeHeaders(t *testing.T) {
	ts := start(t, "tcp")
	got, err := ts.roundTrip(t, request("", "PATH_INFO", "/fail"), false)
	if err != nil {
		t.Fatal(err)
	}
	want := "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 59\r\n\r\n" +
		"A server error occurred.  Please contact the administrator."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !strings.Contains(ts.errs.String(), "failing on purpose") {
		t.Errorf("wsgi.errors: %q", ts.errs.String())
	}
}
