package simpleserver

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/httpdate"
	"github.com/gowsgi/wsgiref/internal/logbuf"
)

// slowWriter is a real fault we cannot cause on a terminal: a stderr that
// takes its time. It counts the calls and keeps every byte.
type slowWriter struct {
	mu     sync.Mutex
	writes int
	buf    bytes.Buffer
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(200 * time.Microsecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

// TestLogHandlerGroupCommit: lines logged while a write is in flight go out
// in batches, none lost, each goroutine's lines in its own order.
func TestLogHandlerGroupCommit(t *testing.T) {
	w := &slowWriter{}
	lg := slog.New(NewLogHandler(w))
	const goroutines, lines = 16, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				lg.Info(fmt.Sprintf("g%d line %d", g, i))
			}
		}()
	}
	wg.Wait()
	// The last goroutine to log may have left its line to a writer that is
	// still finishing; it is done once a call returns with no writer left.
	lg.Info("end")
	got := strings.Split(strings.TrimSuffix(w.buf.String(), "\n"), "\n")
	if len(got) != goroutines*lines+1 {
		t.Fatalf("%d lines written, want %d", len(got), goroutines*lines+1)
	}
	next := make([]int, goroutines)
	for _, l := range got[:len(got)-1] {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d line %d", &g, &i); err != nil || i != next[g] {
			t.Fatalf("line %q out of order (want line %d of g%d)", l, next[g], g)
		}
		next[g]++
	}
	if w.writes >= goroutines*lines {
		t.Errorf("%d writes for %d lines: no batching", w.writes, goroutines*lines)
	}
	t.Logf("%d lines in %d writes", len(got), w.writes)
}

// TestLogPrefix pins CPython's log_date_time_string layout, the year
// zero-padded as "%04d" pads it.
func TestLogPrefix(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 21, 9, 44, 34, 0, time.UTC), "127.0.0.1 - - [21/Nov/2026 09:44:34] "},
		{time.Date(999, 1, 5, 3, 4, 5, 0, time.UTC), "127.0.0.1 - - [05/Jan/0999 03:04:05] "},
		{time.Date(12345, 12, 31, 23, 59, 59, 0, time.UTC), "127.0.0.1 - - [31/Dec/12345 23:59:59] "},
	} {
		if got := string(appendLogPrefix(nil, "127.0.0.1", tc.t)); got != tc.want {
			t.Errorf("appendLogPrefix(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// messages is a slog handler other than LogHandler: it keeps each
// record's message and time, so logLine takes its Record path.
type messages struct {
	mu   sync.Mutex
	msgs []string
	when []time.Time
}

func (m *messages) Enabled(context.Context, slog.Level) bool { return true }
func (m *messages) Handle(_ context.Context, r slog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs, m.when = append(m.msgs, r.Message), append(m.when, r.Time)
	return nil
}
func (m *messages) WithAttrs([]slog.Attr) slog.Handler { return m }
func (m *messages) WithGroup(string) slog.Handler      { return m }

// TestAccessLineEitherHandler: the default LogHandler (lines as bytes,
// dated from the held clock) and any other handler (Records with the
// clock read) get the same lines for the same requests, an access line
// and a refusal's two lines, dated now to the second.
func TestAccessLineEitherHandler(t *testing.T) {
	requests := []string{
		"GET /a%20b?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nBad-Name : 1\r\n\r\n",
	}
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.Headers{{Name: "Content-Length", Value: "2"}})
		return wsgiref.Strings("ok"), nil
	})
	var lineBuf logbuf.Buffer
	rec := &messages{}
	var got [2][]string
	for i, lg := range []*slog.Logger{slog.New(NewLogHandler(&lineBuf)), slog.New(rec)} {
		ts := startServer(t, app, WithLogger(lg))
		if (ts.cfg.lines != nil) != (i == 0) {
			t.Fatalf("server %d: lines = %v", i, ts.cfg.lines)
		}
		before := time.Now().Truncate(time.Second)
		for _, raw := range requests {
			roundTrip(t, ts.Addr(), raw)
		}
		ts.Close()
		after := time.Now()
		var lines []string
		if i == 0 {
			lines = strings.Split(strings.TrimSuffix(lineBuf.String(), "\n"), "\n")
		} else {
			rec.mu.Lock()
			lines = append(lines, rec.msgs...)
			for _, w := range rec.when {
				if w.Before(before) || w.After(after) {
					t.Errorf("record time %v outside [%v, %v]", w, before, after)
				}
			}
			rec.mu.Unlock()
		}
		for _, l := range lines {
			open, close := strings.Index(l, "["), strings.Index(l, "] ")
			if open < 0 || close < open {
				t.Fatalf("line %q has no date", l)
			}
			d, err := time.ParseInLocation(logDateLayout, l[open+1:close], time.Local)
			if err != nil || d.Before(before) || d.After(after) {
				t.Errorf("line %q: date %v (%v) outside [%v, %v]", l, d, err, before, after)
			}
			got[i] = append(got[i], l[:open]+l[close:])
		}
	}
	want := []string{
		`127.0.0.1 - - ] "GET /a%20b?q=1 HTTP/1.1" 200 2`,
		`127.0.0.1 - - ] code 400, message Whitespace between a header field name and its colon`,
		`127.0.0.1 - - ] "GET / HTTP/1.1" 400 -`,
	}
	if !slices.Equal(got[0], want) {
		t.Errorf("LogHandler lines:\n%s", strings.Join(got[0], "\n"))
	}
	if !slices.Equal(got[0], got[1]) {
		t.Errorf("lines differ:\nLogHandler:\n%s\nother handler:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
	}
}

// TestAccessLineAllocs: with the default LogHandler an access line
// allocates nothing once the connection's line buffer has grown.
func TestAccessLineAllocs(t *testing.T) {
	var buf bytes.Buffer
	s := &WSGIServer{}
	s.cfg.lines = NewLogHandler(&buf)
	s.cfg.logger = slog.New(s.cfg.lines)
	defer httpdate.Hold()()
	c := &conn{remoteIP: "127.0.0.1"}
	n := testing.AllocsPerRun(100, func() {
		buf.Reset()
		s.logLine(c, "GET /index.html HTTP/1.1", "200", 5120, slog.LevelInfo, "")
	})
	if n != 0 {
		t.Errorf("an access line allocates %v times", n)
	}
	if !strings.HasSuffix(buf.String(), `] "GET /index.html HTTP/1.1" 200 5120`+"\n") {
		t.Errorf("line %q", buf.String())
	}
}

// escapeByteByByte is appendEscaped's rule applied to one byte at a time:
// the reference FuzzAppendEscaped holds the run-copying version to.
func escapeByteByByte(s string) string {
	const hex = "0123456789abcdef"
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, '\\', '\\')
		case c < 0x20 || 0x7f <= c && c < 0xa0:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
		case c < 0x80:
			b = append(b, c)
		default:
			b = append(b, 0xc0|c>>6, 0x80|c&0x3f)
		}
	}
	return string(b)
}

// TestAppendEscaped: request bytes in the access line as CPython's
// log_message writes them (the line is decoded as Latin-1, then
// backslashreplace'd for C0, DEL and C1).
func TestAppendEscaped(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"GET / HTTP/1.1", "GET / HTTP/1.1"},
		{`GET /a\b HTTP/1.1`, `GET /a\\b HTTP/1.1`},
		{"GET /\x00\x1f\x7f HTTP/1.1", `GET /\x00\x1f\x7f HTTP/1.1`},
		{"\x80\x9f\xa0\xe9\xff", `\x80\x9f` + "\u00a0\u00e9\u00ff"},
		{"\\", `\\`},
		{"a\tb", `a\x09b`},
	} {
		if got := string(appendEscaped([]byte("> "), c.in)); got != "> "+c.want {
			t.Errorf("appendEscaped(%q) = %q, want %q", c.in, got, "> "+c.want)
		}
	}
}

// FuzzAppendEscaped: copying the plain runs whole gives what escaping
// byte by byte gives.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"", "GET / HTTP/1.1", `a\b`, "\x00\x7f\x80\x9f\xa0\xff", "plain\x01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscaped(nil, s)), escapeByteByByte(s); got != want {
			t.Fatalf("appendEscaped(%q) = %q, byte by byte %q", s, got, want)
		}
	})
}
