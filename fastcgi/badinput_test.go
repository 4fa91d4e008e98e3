package fastcgi

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestBadInput sends each malformed stream on its own connection: the
// server logs the reason, closes that connection without answering the
// broken request, and serves the next connection as if nothing happened.
func TestBadInput(t *testing.T) {
	begin := rec(typeBeginRequest, 1, beginBody(roleResponder, true))
	params := append(rec(typeParams, 1, pairs("REQUEST_METHOD", "POST")), rec(typeParams, 1, nil)...)
	started := append(append([]byte(nil), begin...), params...)
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		opts  []Option
		input []byte
		// hangUp closes the client's side for writing after input, so
		// the server sees the stream end there.
		hangUp bool
		want   error  // the sentinel the log names
		detail string // and the detail after it
	}{
		{"truncated header", nil, cat(begin, []byte{1, 4, 0}), true, ErrTruncated, ""},
		{"truncated content", nil, cat(begin, appendHeader(nil, typeParams, 1, 100), []byte("0123456789")), true, ErrTruncated, ""},
		{"truncated padding", nil, cat(begin, []byte{1, typeParams.b(), 0, 1, 0, 0, 9, 0, 0}), true, ErrTruncated, ""},
		{"version 0", nil, []byte{0, 1, 0, 1, 0, 8, 0, 0}, false, ErrVersion, "(got 0)"},
		{"version 2 mid-request", nil, cat(begin, []byte{2, 4, 0, 1, 0, 0, 0, 0}), false, ErrVersion, "(got 2)"},
		{"oversized parameter block", []Option{WithMaxParamsBytes(1024)},
			cat(begin, rec(typeParams, 1, pairs("HTTP_X", strings.Repeat("v", 600))),
				rec(typeParams, 1, pairs("HTTP_Y", strings.Repeat("v", 600)))), false, ErrParamsTooLarge, "over 1024 bytes"},
		{"pair longer than the block", nil, cat(begin, rec(typeParams, 1, []byte("\x32\x01short")), rec(typeParams, 1, nil)),
			false, ErrBadParams, "name of 50 and value of 1 bytes in 5 bytes left"},
		{"four-byte length cut short", nil, cat(begin, rec(typeParams, 1, []byte("\x01\x80\x00")), rec(typeParams, 1, nil)),
			false, ErrBadParams, "value length cut short"},
		{"empty name", nil, cat(begin, rec(typeParams, 1, []byte("\x00\x01v")), rec(typeParams, 1, nil)), false, ErrBadParams, "empty name"},
		{"BEGIN_REQUEST body of 5 bytes", nil, rec(typeBeginRequest, 1, []byte{0, 1, 0, 0, 0}), false, ErrBadRecord, "BEGIN_REQUEST body of 5 bytes"},
		{"second BEGIN_REQUEST for the id", nil, cat(begin, begin), false, ErrBadRecord, "second BEGIN_REQUEST for active request 1"},
		{"FCGI_STDIN before the parameters end", nil, cat(begin, rec(typeStdin, 1, []byte("x"))), false, ErrBadRecord, "FCGI_STDIN before the parameters ended"},
		{"FCGI_PARAMS after they ended", nil, cat(started, rec(typeParams, 1, pairs("A", "b"))), false, ErrBadRecord, "FCGI_PARAMS after the parameters ended"},
		{"FCGI_STDOUT from the front end", nil, cat(begin, rec(typeStdout, 1, []byte("x"))), false, ErrBadRecord, "record type 6 from the front end"},
		{"record type 99", nil, rec(99, 1, nil), false, ErrBadRecord, "record type 99 from the front end"},
		{"front end gone mid-body, between records", nil, cat(started, rec(typeStdin, 1, []byte("part"))), true, ErrConnLost, ""},
		{"front end gone mid-body, inside a record", nil, cat(started, appendHeader(nil, typeStdin, 1, 100), []byte("part")), true, ErrConnLost, "inside an FCGI_STDIN record"},
		{"parameters too slow", []Option{WithParamsTimeout(50 * time.Millisecond)}, cat(begin, rec(typeParams, 1, pairs("A", "b"))), false,
			ErrTimeout, "the parameters took longer than 50ms"},
		{"front end gone during the parameters", nil, cat(begin, rec(typeParams, 1, pairs("A", "b"))), true, ErrConnLost, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, logs := testServer(t, "tcp", echoApp, tc.opts...)
			cl := dial(t, "tcp", addr)
			cl.send(tc.input)
			if tc.hangUp {
				cl.c.(*net.TCPConn).CloseWrite()
			}
			hd, content, err := cl.readRecord()
			if err == nil {
				t.Errorf("the broken request was answered: record type %d %q", hd.typ, content)
			}
			want := tc.want.Error()
			if tc.detail != "" {
				want += ": " + tc.detail
			}
			if tc.want == ErrVersion {
				want = tc.want.Error() + " " + tc.detail
			}
			waitFor(t, logs, want)
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("logged %d lines, want 1:\n%s", n, logs)
			}
			next := dial(t, "tcp", addr)
			next.send(request(1, false, "", "REQUEST_METHOD", "GET"))
			if r := next.mustRead(1); !strings.HasPrefix(string(r.stdout), "Status: 200 OK\r\n") {
				t.Errorf("the next connection got %q", r.stdout)
			}
		})
	}
}

func (t recType) b() byte { return byte(t) }
