package handlers

import (
	"io"
	"os"
	"runtime/debug"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/wsgiutil"
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
//   - A HEAD request (REQUEST_METHOD) on an origin server, or a 1xx, 204 or
//     304 response, gets headers but no body bytes, whatever the
//     application yields; a 1xx as the final status closes the connection.
//   - A Content-Length that is not one decimal number is an application
//     error, and body bytes past the Content-Length are not sent (the
//     write fails with [ErrBodyOverrun]): a client would read them as the
//     next response.
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
	// The default, SendfileWriterTo, is not called for a
	// *wsgiref.SliceBody, which it would pass over: blocks in memory.
	Sendfile func(h *Handler, body wsgiref.Body) (sent bool, err error)
	// KeepAlive is set by a server before Run when the connection may serve
	// another request. The handler then frames the response (Content-Length
	// or chunked) and says so with the Connection header where the HTTP
	// version requires it; [Handler.Reusable] reports after Run whether it
	// succeeded. When false on an HTTP/1.1 origin response the handler adds
	// "Connection: close".
	KeepAlive bool
	// AnnounceClose makes an origin response say "Connection: close"
	// whatever the HTTP version, as CPython's send_error does for the
	// error pages of refused requests: a server sets it when it closes the
	// connection after this response in any case.
	AnnounceClose bool
	// EnvironComplete tells Run that Environ already holds
	// wsgi.url_scheme and SERVER_SOFTWARE, as a server that fills
	// [Handler.Env] itself knows: Run then does not look them up again
	// (two hashed lookups a request), and only an HTTPS variable saying
	// "on", "yes" or "1" still makes the scheme "https", as guess_scheme
	// would. Set it only when both variables are set: Run does not check.
	EnvironComplete bool

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

	checked checkCache // kept across requests
	head    headCache  // the last head's bytes, kept across requests

	status      string
	appHeaders  headers.Headers
	facts       fieldFacts      // of appHeaders
	fields      headers.Headers // the buffer of appHeaders' snapshot
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
	ended       bool // Run returned: the write callable is dead
	inApp       bool // Run is in the application's ServeWSGI
	fresh       bool // Reset cleared the request state and Run has not begun
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
	h.fresh = true
}

func (h *Handler) resetRequest() {
	if len(h.errHdrs) != 0 { // the error page's and a failed check's fields
		clear(h.errHdrs)
		h.errHdrs = h.errHdrs[:0]
	}
	if len(h.fields) != 0 {
		clear(h.fields)
		h.fields = h.fields[:0]
	}
	h.status, h.appHeaders, h.result = "", nil, nil
	h.facts = fieldFacts{length: -1}
	h.startErr, h.outErr, h.excErr = nil, nil, nil
	h.bytesSent, h.declared, h.fileLength = 0, -1, -1
	h.headersSet, h.headersSent, h.zeroLength = false, false, false
	h.chunked, h.noBody, h.persistent, h.complete, h.inResult = false, false, false, false, false
	h.ended = false
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
func (h *Handler) Run(app wsgiref.App) (err error) {
	h.init()
	if !h.fresh || h.outErr != nil {
		// A write between Reset and Run (an interim response) may have
		// failed: the request starts clean all the same.
		h.resetRequest()
	}
	h.fresh = false
	// The request's one deferred call: it ends the write callable, so
	// that one kept by the application fails instead of writing after
	// the response; and when the application panicked (inApp still set)
	// it turns the panic into a *PanicError handled as any other error,
	// as callApp does for the error page's application. A panic outside
	// the application is not recovered.
	defer func() {
		if h.inApp {
			h.inApp = false
			if r := recover(); r != nil {
				err = h.handleError(&PanicError{Value: r, Stack: debug.Stack()})
			}
		}
		h.ended = true
	}()
	h.setupEnviron()
	if app == nil {
		return h.handleError(ErrNilApp)
	}
	h.inApp = true
	body, err := app.ServeWSGI(&h.env, h.startFn)
	h.inApp = false
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
	// keeps it. A server that set the guess already costs no write.
	scheme := wsgiutil.GuessScheme(env)
	if h.EnvironComplete {
		// The scheme the server set (http, or https under TLS) stands
		// unless HTTPS says https: what the lookup below would find.
		if scheme == "https" {
			env.Set(wsgiref.URLSchemeKey, scheme)
		}
		return
	}
	if cur, ok := env.Lookup(wsgiref.URLSchemeKey); !ok || cur != scheme && (scheme == "https" || cur != "https") {
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

// callApp runs the application, a panic of it turned into a
// *PanicError: the error page's (Run guards the request's application
// itself).
//
// Here and in the other calls of application code, the deferred function
// asks recover only when the call did not return: a call that returns
// (nearly every one) then costs no call of the runtime's recover.
func (h *Handler) callApp(app wsgiref.App) (body wsgiref.Body, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			body, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	body, err = app.ServeWSGI(&h.env, h.startFn)
	returned = true
	return body, err
}
