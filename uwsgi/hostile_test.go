package uwsgi

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
		{name: "HTTP instead", raw: "GET / HTTP/1.1\r\n\r\n", status: "400 Bad Request", reason: "uwsgi: refused request: unsupported packet modifiers"},
		{name: "modifier1 5", raw: string(packet(5, 0, "CONTENT_LENGTH", "0")), status: "400 Bad Request", reason: "uwsgi: refused request: unsupported packet modifiers"},
		{name: "modifier2 1", raw: string(packet(0, 1, "CONTENT_LENGTH", "0")), status: "400 Bad Request", reason: "uwsgi: refused request: unsupported packet modifiers"},
		{name: "oversized packet", raw: "\x00\xe9\x03\x00", status: "431 Request Header Fields Too Large", reason: "request variables larger than the limit"},
		{name: "truncated header", raw: "\x00\x05", closeWrite: true, reason: "connection closed in the middle of the request"},
		{name: "truncated data", raw: "\x00\x10\x00\x00\x02\x00ab", closeWrite: true, reason: "connection closed in the middle of the request"},
		{name: "slow packet", raw: "\x00\x10\x00\x00\x02\x00ab", status: "408 Request Timeout", reason: "i/o timeout"},
		{name: "key size past the end", raw: "\x00\x04\x00\x00\x09\x00ab", status: "400 Bad Request", reason: "uwsgi: refused request: malformed variables"},
		{name: "odd byte at the end", raw: "\x00\x01\x00\x00\x09", status: "400 Bad Request", reason: "uwsgi: refused request: malformed variables"},
		{name: "key without value", raw: "\x00\x04\x00\x00\x02\x00ab", status: "400 Bad Request", reason: "uwsgi: refused request: malformed variables"},
		{name: "empty name", raw: string(packet(0, 0, "", "x")), status: "400 Bad Request", reason: "uwsgi: refused request: malformed variables"},
		{name: "duplicate length", raw: string(packet(0, 0, "CONTENT_LENGTH", "0", "CONTENT_LENGTH", "5")), status: "400 Bad Request", reason: "uwsgi: refused request: CONTENT_LENGTH given twice"},
		{name: "signed length", raw: string(packet(0, 0, "CONTENT_LENGTH", "+5")), status: "400 Bad Request", reason: "CONTENT_LENGTH is not a decimal number"},
		{name: "body over limit", raw: string(packet(0, 0, "CONTENT_LENGTH", "101")), status: "413 Content Too Large", reason: "request body larger than the limit"},
		{name: "client vanishes mid-body", raw: string(packet(0, 0, "CONTENT_LENGTH", "50")) + "only ten b", closeWrite: true,
			status: "500 Internal Server Error", reason: "uwsgi: request body: connection closed in the middle of the request"},
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
			} else if !strings.HasPrefix(got, "HTTP/1.1 "+tc.status+"\r\n") {
				t.Errorf("answered %q, want status %s", got, tc.status)
			}
			logged := waitLog(ts, before)
			if !strings.Contains(logged, tc.reason) || !strings.Contains(logged, "level=WARN") {
				t.Errorf("logged %q, want a warning with %q", logged, tc.reason)
			}
			if ok, err := ts.roundTrip(t, request("", "X_ECHO", "CONTENT_LENGTH"), false); err != nil || !strings.HasSuffix(ok, "\r\n\r\nCONTENT_LENGTH=0\n") {
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
	want := "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 59\r\n\r\n" +
		"A server error occurred.  Please contact the administrator."
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !strings.Contains(ts.errs.String(), "failing on purpose") {
		t.Errorf("wsgi.errors: %q", ts.errs.String())
	}
}
