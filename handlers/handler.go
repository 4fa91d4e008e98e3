package handlers

import (
	"errors"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/hopbyhop"
)

// Default error page, byte for byte CPython's BaseHandler.error_status,
// error_headers and error_body.
const (
	DefaultErrorStatus = "500 Internal Server Error"
	DefaultErrorBody   = "A server error occurred.  Please contact the administrator."
)

// DefaultErrorHeaders returns CPython's error_headers, a fresh list each
// time so that a caller may edit it.
func DefaultErrorHeaders() headers.Headers {
	return headers.Headers{{Name: "Content-Type", Value: "text/plain"}}
}

// ExcInfoKey is the environ extension key under which the handler puts the
// application's error while its ErrorOutput app runs, the Go stand-in for
// Python's sys.exc_info() in error_output.
const ExcInfoKey = "wsgiref.exc_info"

// Handler is BaseHandler and SimpleHandler of CPython's wsgiref.handlers in
// one type: it runs a WSGI application for one request and writes the
// response. The same writer serves an origin server ("HTTP/1.0 200 OK",
// Date, Server), CGI ("Status: 200 OK") and any other gateway, so servers
// built on it stay thin.
//
// The exported fields are BaseHandler's customisation points; set them
// before Run. The constructors fill them as CPython's classes do. A Handler
// runs one request at a time; [Handler.Reset] readies it for another, so a
// server can keep Handlers in a sync.Pool and answer without allocating.
//
// Beyond CPython:
//   - A status or header holding CR, LF or NUL, or a header name that is not
//     a token, is an application error (logged, error page sent): it never
//     reaches the wire, so an application cannot split a response.
//   - With HTTPVersion "1.1" on an origin server, a response of unknown
//     length to an HTTP/1.1 client is sent with chunked transfer coding, and
//     a connection the server may keep open ([Handler.KeepAlive]) gets the
//     Connection header HTTP requires.
//   - A HEAD request (REQUEST_METHOD) on an origin server gets headers but no
//     body bytes, whatever the application yields.
//   - The process environment is not copied into each request unless
//     OSEnviron is set: CPython's SimpleHandler leaks os.environ (secrets
//     included) into every request; CGIHandler already does not.
type Handler struct {
	// Stdin is wsgi.input, the request body.
	Stdin io.Reader
	// Stdout receives the response. When it has a Flush method (a
	// *bufio.Writer, an http.Flusher) the handler flushes it where CPython
	// calls _flush: after each write() call and each block of a body whose
	// blocks are produced on demand, and at the end of Run.
	Stdout io.Writer
	// Stderr is wsgi.errors, where the default LogError writes.
	Stderr io.Writer
	// Environ holds the CGI variables of the request (add_cgi_vars). Run
	// copies it and never modifies it.
	Environ *wsgiref.Environ
	// OSEnviron is copied first into every request environ (os_environ).
	OSEnviron *wsgiref.Environ
	// Multithread, Multiprocess and RunOnce are wsgi.multithread,
	// wsgi.multiprocess and wsgi.run_once.
	Multithread, Multiprocess, RunOnce bool
	// OriginServer is true when the handler talks to the client directly and
	// writes the status line, Date and Server; false for CGI-like gateways,
	// which get a "Status:" header instead.
	OriginServer bool
	// HTTPVersion is the version of the status line, "1.0" by default
	// (the zero value means "1.0"). "1.1" enables chunked transfer coding.
	HTTPVersion string
	// ServerSoftware is sent as the Server header by an origin server and
	// is the default of SERVER_SOFTWARE.
	ServerSoftware string
	// FileWrapper is wsgi.file_wrapper; nil offers none.
	FileWrapper wsgiref.FileWrapperFunc
	// ErrorStatus, ErrorHeaders and ErrorBody make the error page the
	// default error output sends when the application fails before any
	// header was sent.
	ErrorStatus  string
	ErrorHeaders headers.Headers
	ErrorBody    []byte
	// ErrorOutput, when set, replaces the default error page: it is a WSGI
	// application run with the request environ, which holds the error under
	// [ExcInfoKey]. It may call start_response without excInfo: no header
	// has been sent, so the failed application's status is simply replaced.
	ErrorOutput wsgiref.App
	// LogError logs an application error; nil writes the error (and the
	// stack of a panic) to wsgi.errors, as log_exception prints a traceback.
	LogError func(env *wsgiref.Environ, err error)
	// Sendfile, when set, is offered every body before it is iterated:
	// it returns sent=true when it transmitted the body itself (typically a
	// file through sendfile(2), see [SendfileWriterTo]), false to let the
	// handler iterate it. It must send the headers through
	// [Handler.SendHeaders] before writing, and write through the handler
	// ([Handler.Write], [Handler.ReadFrom]) so that framing stays right.
	Sendfile func(h *Handler, body wsgiref.Body) (sent bool, err error)
	// KeepAlive is set by a server before Run when the connection may serve
	// another request. The handler then frames the response (Content-Length
	// or chunked) and says so with the Connection header where the HTTP
	// version requires it; [Handler.Reusable] reports after Run whether it
	// succeeded. When false on an HTTP/1.1 origin response the handler adds
	// "Connection: close".
	KeepAlive bool

	env     wsgiref.Environ
	startFn wsgiref.StartResponse
	writeFn wsgiref.Write
	buf     []byte
	errBody wsgiref.SliceBody
	errBlk  [1][]byte
	errApp  wsgiref.App
	errHdrs headers.Headers
	chunk   [20]byte

	// sink, when set, receives the status and headers instead of the wire
	// (the net/http bridge): contentLength is -1 when unknown.
	sink func(status string, h headers.Headers, contentLength int64) error

	status      string
	appHeaders  headers.Headers
	result      wsgiref.Body
	startErr    error
	outErr      error
	excErr      error
	bytesSent   int64
	declared    int64
	fileLength  int64
	headersSet  bool
	headersSent bool
	zeroLength  bool
	chunked     bool
	noBody      bool
	persistent  bool
	complete    bool
	inResult    bool
}

// NewSimpleHandler returns a handler for a synchronous HTTP/1.0 origin
// server reading the request from stdin and writing the response to
// stdout, as CPython's SimpleHandler(stdin, stdout, stderr, environ,
// multithread, multiprocess).
func NewSimpleHandler(stdin io.Reader, stdout, stderr io.Writer, environ *wsgiref.Environ, multithread, multiprocess bool) *Handler {
	h := &Handler{
		Stdin:        stdin,
		Stdout:       stdout,
		Stderr:       stderr,
		Environ:      environ,
		Multithread:  multithread,
		Multiprocess: multiprocess,
		OriginServer: true,
		HTTPVersion:  "1.0",
		ErrorStatus:  DefaultErrorStatus,
		ErrorHeaders: DefaultErrorHeaders(),
		ErrorBody:    []byte(DefaultErrorBody),
		FileWrapper:  defaultFileWrapper,
		Sendfile:     SendfileWriterTo,
	}
	h.init()
	return h
}

// NewBaseCGIHandler returns a handler for CGI-like gateways (FastCGI,
// ReadyExec, ...) with usable streams and an environ: it writes a "Status:"
// header instead of a status line, as CPython's BaseCGIHandler.
func NewBaseCGIHandler(stdin io.Reader, stdout, stderr io.Writer, environ *wsgiref.Environ, multithread, multiprocess bool) *Handler {
	h := NewSimpleHandler(stdin, stdout, stderr, environ, multithread, multiprocess)
	h.OriginServer = false
	return h
}

// NewCGIHandler returns the handler of a CGI script: the process's standard
// streams, the environ read with [ReadEnviron], wsgi.run_once true,
// multithread false, multiprocess true, as CPython's CGIHandler().
//
//	func main() { handlers.NewCGIHandler().Run(app) }
func NewCGIHandler() *Handler {
	return newCGI(ReadEnviron())
}

// NewIISCGIHandler is [NewCGIHandler] for Microsoft IIS without
// allowPathInfo: IIS repeats SCRIPT_NAME at the front of PATH_INFO, and this
// handler strips it, as CPython's IISCGIHandler.
func NewIISCGIHandler() *Handler {
	env := ReadEnviron()
	StripIISPathInfo(env)
	return newCGI(env)
}

// StripIISPathInfo removes a SCRIPT_NAME that IIS duplicated at the front of
// PATH_INFO ("/app" + "/app/x" gives PATH_INFO "/x"); a PATH_INFO that does
// not start with SCRIPT_NAME on a segment boundary is left alone.
func StripIISPathInfo(env *wsgiref.Environ) {
	path, script := env.Get("PATH_INFO"), env.Get("SCRIPT_NAME")
	if len(path) >= len(script) && path[:len(script)] == script &&
		(len(path) == len(script) || path[len(script)] == '/') {
		env.Set("PATH_INFO", path[len(script):])
	}
}

func newCGI(env *wsgiref.Environ) *Handler {
	h := NewBaseCGIHandler(os.Stdin, os.Stdout, os.Stderr, env, false, true)
	h.RunOnce = true
	return h
}

func (h *Handler) init() {
	if h.startFn == nil {
		h.startFn = h.startResponse
		h.writeFn = h.Write
		h.errApp = wsgiref.AppFunc(h.errorOutput)
	}
}

// Reset clears the state of the last request (status, headers, counters,
// the request environ) and keeps the buffers, so that a pooled handler
// serves the next request without allocating. The configuration fields are
// kept.
func (h *Handler) Reset() {
	h.env.Reset()
	h.resetRequest()
}

func (h *Handler) resetRequest() {
	clear(h.errHdrs)
	h.errHdrs = h.errHdrs[:0]
	h.status, h.appHeaders, h.result = "", nil, nil
	h.startErr, h.outErr, h.excErr = nil, nil, nil
	h.bytesSent, h.declared, h.fileLength = 0, -1, -1
	h.headersSet, h.headersSent, h.zeroLength = false, false, false
	h.chunked, h.noBody, h.persistent, h.complete, h.inResult = false, false, false, false, false
}

// Status returns the status line sent ("200 OK"), or "" when no header
// has been sent. It stays valid after Run until Reset, for the access log.
func (h *Handler) Status() string {
	if !h.headersSent {
		return ""
	}
	return h.status
}

// BytesSent returns the number of body bytes written (chunk framing not
// counted), for the access log.
func (h *Handler) BytesSent() int64 { return h.bytesSent }

// HeadersSent reports whether the status and headers have been sent.
func (h *Handler) HeadersSent() bool { return h.headersSent }

// Env returns the handler's request environ: the environ the application
// of the current or last request saw.
//
// A server that builds each request's variables itself can skip a copy:
// after Reset, fill Env() (with [RequestEnviron]) and set Environ to Env().
// Run then uses it in place, OSEnviron only filling variables it lacks.
func (h *Handler) Env() *wsgiref.Environ { return &h.env }

// Reusable reports, after Run, whether the connection may serve another
// request: KeepAlive was set, the response was framed (Content-Length,
// chunked or bodiless), it was written completely, its length matched its
// Content-Length and no write failed.
func (h *Handler) Reusable() bool {
	if !h.persistent || !h.complete || h.outErr != nil {
		return false
	}
	if h.declared >= 0 && !h.noBody {
		return h.bytesSent == h.declared
	}
	return true
}

// Run runs app for one request and writes its response, as CPython's
// BaseHandler.run: it builds the environ, calls the application, sends its
// body and closes it.
//
// Errors of the application (a returned error, a panic, a broken PEP 3333
// rule) are handled here: logged, and answered with the error page when no
// header has been sent yet. Run returns an error only when the caller must
// act on it: the response could not be written (the client went away —
// see [IsClientGone], in which case nothing is logged — or Stdout failed),
// or the error page itself failed. The body's Close is called in every case.
func (h *Handler) Run(app wsgiref.App) error {
	h.init()
	h.resetRequest()
	h.setupEnviron()
	if app == nil {
		return h.handleError(ErrNilApp)
	}
	body, err := h.callApp(app)
	if err == nil {
		err = h.startErr
	}
	if err != nil {
		h.closeBody(body, true)
		return h.handleError(err)
	}
	if err = h.finishResponse(body); err != nil {
		return h.handleError(err)
	}
	h.complete = true
	return nil
}

// setupEnviron is BaseHandler.setup_environ: os environ, then the CGI
// variables, then the wsgi.* values.
func (h *Handler) setupEnviron() {
	env := &h.env
	if h.Environ == env {
		// Filled in place by the server: nothing to copy, the process
		// variables only fill gaps.
		if h.OSEnviron != nil {
			for k, v := range h.OSEnviron.All() {
				env.SetDefault(k, v)
			}
		}
	} else {
		env.Reset()
		if h.OSEnviron != nil {
			copyEnviron(env, h.OSEnviron)
		}
		if h.Environ != nil {
			copyEnviron(env, h.Environ)
		}
	}
	env.Input = h.Stdin
	env.Errors = h.Stderr
	env.Version = [2]int{1, 0}
	env.RunOnce = h.RunOnce
	env.Multithread = h.Multithread
	env.Multiprocess = h.Multiprocess
	env.FileWrapper = h.FileWrapper
	// guess_scheme; a base environ that already says https (a TLS server)
	// keeps it.
	if scheme := guessScheme(env); scheme == "https" || env.Get(wsgiref.URLSchemeKey) != "https" {
		env.Set(wsgiref.URLSchemeKey, scheme)
	}
	if h.OriginServer && h.ServerSoftware != "" {
		env.SetDefault("SERVER_SOFTWARE", h.ServerSoftware)
	}
}

func copyEnviron(dst, src *wsgiref.Environ) {
	empty := dst.Len() == 0
	for k, v := range src.All() {
		if empty {
			dst.SetDefault(k, v)
		} else {
			dst.Set(k, v)
		}
	}
	for k, v := range src.Extensions() {
		dst.SetExtension(k, v)
	}
}

// guessScheme is wsgiref.util.guess_scheme.
func guessScheme(env *wsgiref.Environ) string {
	switch env.Get("HTTPS") {
	case "yes", "on", "1":
		return "https"
	}
	return "http"
}

func (h *Handler) callApp(app wsgiref.App) (body wsgiref.Body, err error) {
	defer func() {
		if r := recover(); r != nil {
			body, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return app.ServeWSGI(&h.env, h.startFn)
}

// startResponse is start_response of PEP 3333, with CPython's checks and
// the header-injection checks CPython lacks.
func (h *Handler) startResponse(status string, hdrs headers.Headers, excInfo ...error) (wsgiref.Write, error) {
	var exc error
	for _, e := range excInfo {
		if e != nil {
			exc = e
			break
		}
	}
	if exc != nil {
		if h.headersSent {
			return nil, exc
		}
	} else if h.headersSet {
		return nil, ErrHeadersAlreadySet
	}
	h.status, h.appHeaders, h.headersSet = status, hdrs, true
	h.startErr = checkStatus(status)
	if h.startErr == nil {
		h.startErr = checkHeaders(hdrs)
	}
	if h.startErr != nil {
		return nil, h.startErr
	}
	return h.writeFn, nil
}

// statusByte marks the bytes a status line may not hold: the controls
// other than HTAB.
var statusByte = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	return
}()

func checkStatus(status string) error {
	if len(status) < 4 {
		return ErrStatusShort
	}
	if !isDigit(status[0]) || !isDigit(status[1]) || !isDigit(status[2]) {
		return ErrStatusCode
	}
	if status[3] != ' ' {
		return ErrStatusSpace
	}
	for i := 4; i < len(status); i++ {
		if statusByte[status[i]] {
			return ErrStatusControl
		}
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func checkHeaders(hdrs headers.Headers) error {
	for i := range hdrs {
		f := &hdrs[i]
		if hopbyhop.Is(f.Name) {
			return &HopByHopError{Name: f.Name, Value: f.Value}
		}
		if err := headers.ValidateField(f.Name, f.Value); err != nil {
			return err
		}
	}
	return nil
}

// Write is the write callable of PEP 3333 that start_response returns: it
// sends the headers before the first data, then data, and flushes. A
// Sendfile hook may use it too.
func (h *Handler) Write(data []byte) error {
	if err := h.emit(data); err != nil {
		return err
	}
	return h.flush()
}

// emit is BaseHandler.write without the flush.
func (h *Handler) emit(data []byte) error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.startErr != nil {
		return h.startErr
	}
	if !h.headersSet {
		return ErrWriteBeforeStart
	}
	if !h.headersSent {
		if err := h.sendHeaders(int64(len(data))); err != nil {
			return err
		}
	}
	return h.writeBody(data)
}

func (h *Handler) writeBody(data []byte) error {
	if h.noBody || len(data) == 0 {
		return nil
	}
	if h.chunked {
		p := strconv.AppendInt(h.chunk[:0], int64(len(data)), 16)
		p = append(p, '\r', '\n')
		if err := h.writeAll(p); err != nil {
			return err
		}
	}
	if err := h.writeAll(data); err != nil {
		return err
	}
	h.bytesSent += int64(len(data))
	if h.chunked {
		return h.writeAll(crlf)
	}
	return nil
}

var (
	crlf        = []byte("\r\n")
	lastChunk   = []byte("0\r\n\r\n")
	errZeroSend = errors.New("handlers: stdout wrote nothing and reported no error")
)

// writeAll is SimpleHandler._write: a writer that writes only part of the
// data is called again with the rest. The first failure sticks: nothing more
// is written for this request.
func (h *Handler) writeAll(p []byte) error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.Stdout == nil && len(p) > 0 {
		h.outErr = ErrNoStdout
		return h.outErr
	}
	for len(p) > 0 {
		n, err := h.Stdout.Write(p)
		if n < 0 || n > len(p) {
			n, err = 0, io.ErrShortWrite
		}
		p = p[n:]
		if err == nil && n == 0 && len(p) > 0 {
			err = errZeroSend
		}
		if err != nil {
			h.outErr = err
			return err
		}
	}
	return nil
}

func (h *Handler) flush() error {
	if h.outErr != nil {
		return h.outErr
	}
	var err error
	switch f := h.Stdout.(type) {
	case interface{ Flush() error }:
		err = f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	if err != nil {
		h.outErr = err
	}
	return err
}

// SendHeaders sends the status and headers if they have not been sent,
// for a Sendfile hook about to write the body itself.
func (h *Handler) SendHeaders() error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.startErr != nil {
		return h.startErr
	}
	if !h.headersSet {
		return ErrWriteBeforeStart
	}
	if h.headersSent {
		return nil
	}
	return h.sendHeaders(-1)
}

// sendHeaders is send_headers with cleanup_headers and send_preamble:
// first is the length of the first block (bytes_sent at that point), or -1
// when the body is sent by other means and its length is unknown.
func (h *Handler) sendHeaders(first int64) error {
	hdrs := h.appHeaders
	// The application may have edited its list since start_response.
	if err := checkHeaders(hdrs); err != nil {
		return err
	}
	var hasLength, hasDate, hasServer bool
	for i := range hdrs {
		switch name := hdrs[i].Name; len(name) {
		case len("Content-Length"):
			if headers.EqualFold(name, "Content-Length") {
				if !hasLength {
					h.declared = parseLength(hdrs[i].Value)
				}
				hasLength = true
			}
		case len("Date"):
			hasDate = hasDate || headers.EqualFold(name, "Date")
		case len("Server"):
			hasServer = hasServer || headers.EqualFold(name, "Server")
		}
	}
	// cleanup_headers / set_content_length, or finish_content's default.
	addLength := int64(-1)
	if !hasLength {
		if h.zeroLength {
			addLength = 0
		} else if h.fileLength >= 0 {
			addLength = h.fileLength
		} else if bc, ok := h.result.(wsgiref.BlockCounter); ok && h.inResult && first >= 0 && bc.Blocks() == 1 {
			addLength = first
		}
		h.declared = addLength
	}
	if h.sink != nil {
		// A gateway that refuses the status leaves the headers unsent, so
		// the error page can still go out.
		if err := h.sink(h.status, hdrs, h.declared); err != nil {
			return err
		}
		h.headersSent = true
		return nil
	}
	h.headersSent = true

	modern := h.clientIsModern()
	if h.OriginServer && !modern {
		return nil // HTTP/0.9: no status line, no headers
	}
	b := h.buf[:0]
	var http11 bool
	if h.OriginServer {
		v := h.HTTPVersion
		if v == "" {
			v = "1.0"
		}
		http11 = v == "1.1"
		b = append(b, "HTTP/"...)
		b = append(b, v...)
		b = append(b, ' ')
		b = append(b, h.status...)
		b = append(b, '\r', '\n')
		if !hasDate {
			b = appendDateLine(b, time.Now())
		}
		if h.ServerSoftware != "" && !hasServer {
			b = append(b, "Server: "...)
			b = append(b, h.ServerSoftware...)
			b = append(b, '\r', '\n')
		}
	} else {
		b = append(b, "Status: "...)
		b = append(b, h.status...)
		b = append(b, '\r', '\n')
	}
	for i := range hdrs {
		b = append(b, hdrs[i].Name...)
		b = append(b, ':', ' ')
		b = append(b, hdrs[i].Value...)
		b = append(b, '\r', '\n')
	}
	if addLength >= 0 {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, addLength, 10)
		b = append(b, '\r', '\n')
	}
	if h.OriginServer {
		h.noBody = h.env.Get("REQUEST_METHOD") == "HEAD"
		if http11 && !hasLength && addLength < 0 && !h.noBody && bodyAllowed(h.status) && h.clientIs11() {
			h.chunked = true
			b = append(b, "Transfer-Encoding: chunked\r\n"...)
		}
		framed := h.declared >= 0 || h.chunked || h.noBody
		h.persistent = h.KeepAlive && framed
		if http11 && !h.persistent {
			b = append(b, "Connection: close\r\n"...)
		} else if !http11 && h.persistent {
			b = append(b, "Connection: keep-alive\r\n"...)
		}
	}
	b = append(b, '\r', '\n')
	h.buf = b
	return h.writeAll(b)
}

// parseLength returns the value of a Content-Length header, or -1 when it
// is not a plain decimal number.
func parseLength(v string) int64 {
	if v == "" || len(v) > 18 {
		return -1
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return -1
		}
		n = n*10 + int64(v[i]-'0')
	}
	return n
}

// bodyAllowed reports whether a response of this status may carry a body
// (not 1xx, 204 or 304).
func bodyAllowed(status string) bool {
	return status[0] != '1' && status[:3] != "204" && status[:3] != "304"
}

// clientIsModern is client_is_modern: anything but HTTP/0.9 takes a status
// line and headers. A missing SERVER_PROTOCOL counts as modern.
func (h *Handler) clientIsModern() bool {
	return !headers.EqualFold(h.env.Get("SERVER_PROTOCOL"), "HTTP/0.9")
}

func (h *Handler) clientIs11() bool {
	return headers.EqualFold(h.env.Get("SERVER_PROTOCOL"), "HTTP/1.1")
}

// finishResponse is finish_response: send the body, finish the content,
// close the body in every case.
func (h *Handler) finishResponse(body wsgiref.Body) error {
	h.result, h.inResult = body, true
	err := h.sendBody(body)
	if err == nil {
		err = h.finishContent()
	}
	if cerr := h.closeBody(body, err != nil); err == nil {
		err = cerr
	}
	return err
}

func (h *Handler) sendBody(body wsgiref.Body) error {
	if body == nil {
		return nil
	}
	if h.Sendfile != nil {
		sent, err := h.callSendfile(body)
		if err != nil || sent {
			return err
		}
	}
	// Blocks known in advance are in memory: no need to flush each, the
	// final flush sends them. Blocks produced on demand are flushed one by
	// one, so that a slow producer never holds back what is ready (PEP 3333).
	flushEach := true
	if bc, ok := body.(wsgiref.BlockCounter); ok && bc.Blocks() >= 0 {
		flushEach = false
	}
	for {
		data, err := h.next(body)
		if len(data) > 0 || err == nil {
			if werr := h.emit(data); werr != nil {
				return werr
			}
			if flushEach {
				if ferr := h.flush(); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (h *Handler) callSendfile(body wsgiref.Body) (sent bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			sent, err = false, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return h.Sendfile(h, body)
}

func (h *Handler) next(body wsgiref.Body) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return body.Next()
}

// finishContent is finish_content: a response with no body still gets its
// headers, with Content-Length 0 unless the application set one (for HEAD);
// a chunked body gets its last chunk.
func (h *Handler) finishContent() error {
	if !h.headersSent {
		if h.startErr != nil {
			return h.startErr
		}
		if !h.headersSet {
			return ErrWriteBeforeStart
		}
		h.zeroLength = true
		if err := h.sendHeaders(0); err != nil {
			return err
		}
	} else if h.chunked {
		if err := h.writeAll(lastChunk); err != nil {
			return err
		}
	}
	if h.sink != nil {
		return nil
	}
	return h.flush()
}

// closeBody calls the body's Close. On a failure path (failing) its error
// is logged, since another error is already being handled; otherwise it is
// returned.
func (h *Handler) closeBody(body wsgiref.Body, failing bool) (err error) {
	c, ok := body.(io.Closer)
	if !ok || body == nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		if err != nil && failing {
			h.logError(err)
			err = nil
		}
	}()
	return c.Close()
}

// handleError is run's except branch with handle_error: log, then send the
// error page if nothing was sent yet.
func (h *Handler) handleError(err error) error {
	if h.outErr != nil {
		if !IsClientGone(h.outErr) {
			h.logError(h.outErr)
		}
		return h.outErr
	}
	h.logError(err)
	if h.headersSent {
		if h.chunked {
			// Leave the chunked body unterminated: the client must see
			// that the response is incomplete.
			h.persistent = false
		}
		return nil
	}
	h.excErr = err
	h.env.SetExtension(ExcInfoKey, err)
	// Nothing was sent: the failed application's status and headers are
	// replaced, as start_response with exc_info would do.
	h.headersSet, h.startErr, h.status, h.appHeaders = false, nil, "", nil
	h.result, h.inResult = nil, false
	errApp := h.ErrorOutput
	if errApp == nil {
		errApp = h.errApp
	}
	body, err2 := h.callApp(errApp)
	if err2 == nil {
		err2 = h.startErr
	}
	if err2 == nil {
		err2 = h.finishResponse(body)
	} else {
		h.closeBody(body, true)
	}
	if err2 != nil {
		if h.outErr != nil && IsClientGone(h.outErr) {
			return h.outErr
		}
		h.persistent = false
		return errors.Join(errors.New("handlers: error output failed"), err2, err)
	}
	h.complete = true
	return nil
}

// errorOutput is BaseHandler.error_output: the error page of ErrorStatus,
// ErrorHeaders and ErrorBody.
func (h *Handler) errorOutput(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	status := h.ErrorStatus
	if status == "" {
		status = DefaultErrorStatus
	}
	h.errHdrs = append(h.errHdrs[:0], h.ErrorHeaders...)
	if _, err := start(status, h.errHdrs, h.excErr); err != nil {
		return nil, err
	}
	h.errBlk[0] = h.ErrorBody
	h.errBody.Reset(h.errBlk[:]...)
	return &h.errBody, nil
}

func (h *Handler) logError(err error) {
	if h.LogError != nil {
		h.LogError(&h.env, err)
		return
	}
	w := h.env.Errors
	if w == nil {
		w = h.Stderr
	}
	if w == nil {
		return
	}
	WriteError(w, err)
}

// WriteError writes err as the default LogError does: a panic's stack
// first, then one line with the error, the way a Python traceback ends with
// the exception. The writer is flushed when it can be.
func WriteError(w io.Writer, err error) {
	b := make([]byte, 0, 256)
	var pe *PanicError
	if errors.As(err, &pe) && len(pe.Stack) > 0 {
		b = append(b, "Traceback (most recent call last):\n"...)
		b = append(b, pe.Stack...)
		if b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	b = append(b, err.Error()...)
	b = append(b, '\n')
	w.Write(b)
	switch f := w.(type) {
	case interface{ Flush() error }:
		f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
}
