package simpleserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gowsgi/wsgiref/internal/httpdate"
)

// LogHandler is the default [slog.Handler] of the access log: it writes the
// message of each record alone on a line, which for this server's records
// is CPython's log line, so standard error reads as under
// wsgiref.simple_server. Attributes and groups are dropped; use another
// handler (slog.NewJSONHandler, ...) to keep them.
//
// Writes are group-committed: a line logged while another goroutine's
// write is in flight joins a batch that goroutine writes right after, in
// one call. Under load the log then costs one write(2) per batch instead
// of one per request, and no line waits longer than the write before it:
// there is no timer and nothing to flush at exit.
type LogHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	st    *logState
	Level slog.Leveler // records below it are dropped; nil means Info
}

// logState is the batch of lines waiting for the writer at work.
type logState struct {
	pending, spare []byte
	writing        bool       // a goroutine is writing and will take pending next
	taken          *sync.Cond // signalled when the writer takes a batch
}

// maxLogBatch bounds the lines waiting behind a slow writer (a blocked
// stderr pipe): past it, loggers wait as they would for a plain write.
const maxLogBatch = 256 << 10

// NewLogHandler returns a LogHandler writing to w.
func NewLogHandler(w io.Writer) *LogHandler {
	mu := new(sync.Mutex)
	return &LogHandler{mu: mu, w: w, st: &logState{taken: sync.NewCond(mu)}}
}

// Enabled reports whether records of the level are written.
func (h *LogHandler) Enabled(_ context.Context, level slog.Level) bool {
	min := slog.LevelInfo
	if h.Level != nil {
		min = h.Level.Level()
	}
	return level >= min
}

// Handle writes the record's message and a newline, or hands them to the
// goroutine already writing. The error is that of the writes this call
// made, which may carry other goroutines' lines too.
func (h *LogHandler) Handle(_ context.Context, r slog.Record) error {
	return h.writeLine(r.Message, nil)
}

// writeLine writes s, then line, then a newline, as Handle writes a
// record's message. The server's own access lines come this way, without
// a Record: the handler would drop everything but the message.
func (h *LogHandler) writeLine(s string, line []byte) error {
	h.mu.Lock()
	st := h.st
	for st.writing && len(st.pending) >= maxLogBatch {
		st.taken.Wait()
	}
	st.pending = append(st.pending, s...)
	st.pending = append(st.pending, line...)
	st.pending = append(st.pending, '\n')
	if st.writing {
		h.mu.Unlock()
		return nil
	}
	st.writing = true
	var err error
	for len(st.pending) > 0 {
		batch := st.pending
		st.pending = st.spare[:0]
		st.taken.Broadcast()
		h.mu.Unlock()
		_, werr := h.w.Write(batch)
		h.mu.Lock()
		st.spare = batch[:0]
		if err == nil {
			err = werr
		}
	}
	st.writing = false
	h.mu.Unlock()
	return err
}

// WithAttrs returns h: the line format has no place for attributes.
func (h *LogHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup returns h.
func (h *LogHandler) WithGroup(string) slog.Handler { return h }

// logDateLayout is CPython's log_date_time_string, "%02d/%3s/%04d
// %02d:%02d:%02d": Go's layout names are English whatever the locale, and
// its year is zero-padded to four digits as %04d is.
const logDateLayout = "02/Jan/2006 15:04:05"

// appendLogPrefix appends CPython's log_message prefix,
// "127.0.0.1 - - [21/Nov/2026 09:44:34] ", in local time: t's, or when t
// is zero the current second's (see appendLogDate).
func appendLogPrefix(b []byte, ip string, t time.Time) []byte {
	b = append(b, ip...)
	b = append(b, " - - ["...)
	if t.IsZero() {
		b = appendLogDate(b)
	} else {
		b = t.AppendFormat(b, logDateLayout)
	}
	return append(b, "] "...)
}

// A logDate is the log's local date text of one Unix second.
type logDate struct {
	sec  int64
	text string
}

// logDateOfSecond is the newest date text formatted.
var logDateOfSecond atomic.Pointer[logDate]

// appendLogDate appends the current local time in logDateLayout. While
// the server runs, httpdate's held clock gives the second without reading
// the clock (over 100 ns on a virtual machine), and the text is formatted
// once a second; the log's resolution is the second anyway.
func appendLogDate(b []byte) []byte {
	sec, held := httpdate.Second()
	if !held {
		return time.Now().AppendFormat(b, logDateLayout)
	}
	d := logDateOfSecond.Load()
	if d == nil || d.sec != sec {
		d = &logDate{sec: sec, text: time.Unix(sec, 0).Format(logDateLayout)}
		logDateOfSecond.Store(d)
	}
	return append(b, d.text...)
}

// appendEscaped appends raw request bytes as CPython's log_message writes
// them: the string is Latin-1, control characters (C0, DEL, C1) become
// \xNN and a backslash \\, other bytes above 0x7F their UTF-8 encoding.
//
// A request line is printable ASCII almost always: each run of bytes that
// stay as they are is appended whole, at the cost of one comparison a
// byte, instead of going byte by byte through the cases.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		if run := plainRun(s[i:]); run > 0 {
			b = append(b, s[i:i+run]...)
			if i += run; i == len(s) {
				break
			}
		}
		c := s[i]
		switch {
		case c == '\\':
			b = append(b, '\\', '\\')
		case c < 0x20 || 0x7f <= c && c < 0xa0:
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
		default: // 0xa0 to 0xff: Latin-1 above the C1 controls
			b = append(b, 0xc0|c>>6, 0x80|c&0x3f)
		}
	}
	return b
}

// plainRun returns the length of the run of bytes at the start of s that
// appendEscaped copies as they are: printable ASCII but the backslash.
func plainRun(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '\\' {
			return i
		}
	}
	return len(s)
}

// logRequest logs a response as CPython's ServerHandler.close does
// (log_request with the status code and bytes_sent).
func (s *WSGIServer) logRequest(r *Request) {
	code := "-"
	if len(r.status) >= 3 {
		code = r.status[:3]
	}
	s.logLine(r.c, r.RequestLine, code, r.bytesSent, slog.LevelInfo, "")
}

// logLine writes one log_message line: an access line (request line,
// code, size; a negative size prints "-") or, when errMsg is set, a
// log_error line "code 414, message ..." first.
//
// With the default [LogHandler], which keeps only the message, the line
// goes to it as bytes, dated from the held clock: no Record, no clock
// read, no allocation. Any other handler gets a Record with the time of
// the call and the attributes.
func (s *WSGIServer) logLine(c *conn, reqLine string, code string, size int64, level slog.Level, errMsg string) {
	if s.cfg.silent {
		return // slog.DiscardHandler: Enabled would say no, through two calls
	}
	lg, lines := s.cfg.logger, s.cfg.lines
	ctx := context.Background()
	if !lg.Enabled(ctx, level) {
		return
	}
	ip := c.remoteIP
	var now time.Time // zero: appendLogPrefix dates from the held clock
	if lines == nil {
		now = time.Now()
	}
	if errMsg != "" {
		b := appendLogPrefix(c.log[:0], ip, now)
		b = append(b, "code "...)
		b = append(b, code...)
		b = append(b, ", message "...)
		b = appendEscaped(b, errMsg)
		c.log = b
		if lines != nil {
			lines.writeLine("", b)
		} else {
			logRecord(ctx, lg, level, now, string(b), slog.String("client", ip), slog.String("code", code), slog.String("error", errMsg))
		}
	}
	b := appendLogPrefix(c.log[:0], ip, now)
	b = append(b, '"')
	start := len(b)
	b = appendEscaped(b, reqLine)
	end := len(b)
	b = append(b, '"', ' ')
	b = append(b, code...)
	b = append(b, ' ')
	if size < 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, size, 10)
	}
	c.log = b
	if lines != nil {
		lines.writeLine("", b)
		return
	}
	msg := string(b)
	logRecord(ctx, lg, slog.LevelInfo, now, msg,
		slog.String("client", ip), slog.String("request", msg[start:end]),
		slog.String("status", code), slog.Int64("size", size))
}

// logRecord hands a record to the logger's handler as Logger.LogAttrs
// does, less the walk of the stack for the caller's PC (runtime.Callers,
// the larger part of an access line's cost): the caller would be this
// file, which tells a reader nothing, so the record has none, as the slog
// docs allow for wrappers.
func logRecord(ctx context.Context, lg *slog.Logger, level slog.Level, now time.Time, msg string, attrs ...slog.Attr) {
	r := slog.NewRecord(now, level, msg, 0)
	r.AddAttrs(attrs...)
	lg.Handler().Handle(ctx, r)
}

// logError writes one log_error line (a Warn record): a problem with the
// connection that has no response to log.
func (s *WSGIServer) logError(c *conn, msg string) {
	lg := s.cfg.logger
	ctx := context.Background()
	if !lg.Enabled(ctx, slog.LevelWarn) {
		return
	}
	ip := c.remoteIP
	now := time.Now()
	b := appendLogPrefix(c.log[:0], ip, now)
	b = appendEscaped(b, msg)
	c.log = b
	logRecord(ctx, lg, slog.LevelWarn, now, string(b), slog.String("client", ip), slog.String("error", msg))
}

func (s *WSGIServer) logPanic(c *conn, p any) {
	s.cfg.logger.LogAttrs(context.Background(), slog.LevelError, "simpleserver: panic serving "+c.remote,
		slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
}

// errorTexts are http.server's BaseHTTPRequestHandler.responses for the
// codes the server answers itself: the reason phrase and the explanation.
// Where CPython versions differ (internal/oracle's table), they are the
// newest's: 3.13 took RFC 9110's names for 413, 414 and 416.
var errorTexts = map[int][2]string{
	http.StatusBadRequest:                   {"Bad Request", "Bad request syntax or unsupported method"},
	http.StatusRequestURITooLong:            {"URI Too Long", "URI is too long"},
	http.StatusExpectationFailed:            {"Expectation Failed", "Expect condition could not be satisfied"},
	http.StatusRequestHeaderFieldsTooLarge:  {"Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"},
	http.StatusHTTPVersionNotSupported:      {"HTTP Version Not Supported", "Cannot fulfill request"},
	http.StatusServiceUnavailable:           {"Service Unavailable", "The server cannot process the request due to a high load"},
	http.StatusRequestTimeout:               {"Request Timeout", "Request timed out; try again later"},
	http.StatusInternalServerError:          {"Internal Server Error", "Server got itself in trouble"},
	http.StatusRequestEntityTooLarge:        {"Content Too Large", "Content is too large"},
	http.StatusNotImplemented:               {"Not Implemented", "Server does not support this operation"},
	http.StatusLengthRequired:               {"Length Required", "Client must specify Content-Length"},
	http.StatusMethodNotAllowed:             {"Method Not Allowed", "Specified method is invalid for this resource"},
	http.StatusUnsupportedMediaType:         {"Unsupported Media Type", "Entity body in unsupported format"},
	http.StatusRequestedRangeNotSatisfiable: {"Range Not Satisfiable", "Cannot satisfy request range"},
}

// errorPage is http.server's DEFAULT_ERROR_MESSAGE.
const errorPage = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %(code)d</p>
        <p>Message: %(message)s.</p>
        <p>Error code explanation: %(code)s - %(explain)s.</p>
    </body>
</html>
`

// errorResponse returns the status and the HTML error page CPython's
// send_error sends for code (the page escaped as CPython escapes it). An
// empty explain means the standard explanation of the code.
func errorResponse(code int, explain string) (status string, body []byte) {
	texts, ok := errorTexts[code]
	if !ok {
		texts = [2]string{http.StatusText(code), http.StatusText(code)}
		if texts[0] == "" {
			texts = [2]string{"???", "???"}
		}
	}
	if explain == "" {
		explain = texts[1]
	}
	cs := strconv.Itoa(code)
	body = make([]byte, 0, len(errorPage)+len(explain)+16)
	rest := errorPage
	for len(rest) > 0 {
		i := indexPct(rest)
		if i < 0 {
			body = append(body, rest...)
			break
		}
		body = append(body, rest[:i]...)
		rest = rest[i:]
		for _, f := range [...]struct{ key, val string }{
			{"%(code)d", cs}, {"%(code)s", cs},
			{"%(message)s", escapeNoQuote(texts[0])}, {"%(explain)s", escapeNoQuote(explain)},
		} {
			if len(rest) >= len(f.key) && rest[:len(f.key)] == f.key {
				body = append(body, f.val...)
				rest = rest[len(f.key):]
				break
			}
		}
	}
	return cs + " " + texts[0], body
}

func indexPct(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			return i
		}
	}
	return -1
}

// escapeNoQuote is Python's html.escape(s, quote=False): &, < and > only.
func escapeNoQuote(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}
