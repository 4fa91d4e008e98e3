package handlers

import (
	"io"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// HTTPHandler is an [http.Handler] that runs a WSGI application, so that a
// WSGI-style application mounts on any Go server (net/http's, a router, a
// middleware chain). Each request gets the environ the module's simple
// server would build ([RequestEnviron]) and the response rules of
// [Handler]: the same start_response checks, error page and logging.
//
// net/http writes the response itself, which differs from the simple
// server's bytes in ways the application cannot control:
//   - header fields go through an http.Header map: names are put in
//     canonical form and the fields are written sorted by name, not in the
//     order the application gave;
//   - the reason phrase is net/http's for the code ("200 OK" for
//     "200 Fine"), and a status below 200 cannot be sent (the application
//     gets an error and the client the error page);
//   - net/http adds Date, frames the body itself (Content-Length when it
//     can, else chunked for HTTP/1.1) and drops the body of HEAD responses.
//
// The application sees where it is mounted: its mount point is
// SCRIPT_NAME and the rest of the path PATH_INFO, so [wsgiutil.ShiftPathInfo]
// dispatch works under a Go router as under a CGI server. Both ways a Go
// server mounts a handler are read:
//
//	mux.Handle("/app/", h)                          "/app/x/y": SCRIPT_NAME "/app", PATH_INFO "/x/y"
//	mux.Handle("/app/", http.StripPrefix("/app", h)) the same
//	http.StripPrefix("/api", mux), mux.Handle("/app/", h)
//	                                                "/api/app/x": SCRIPT_NAME "/api/app", PATH_INFO "/x"
//	mux.Handle("GET /files/{path...}", h)           "/files/a/b": "/files" and "/a/b"
//	mux.Handle("/users/{id}/", h)                   "/users/42/x": "/users/42" and "/x"
//	mux.Handle("/app", h)                           "/app": "/app" and ""
//	http.ListenAndServe(addr, h)                    "/app/x": "" and "/app/x"
//
// The mount point is the part of the path that r.Pattern (set by
// http.ServeMux since Go 1.22) matches, up to its trailing slash,
// "{name...}" or "{$}", wildcards included; and the part of r.RequestURI's
// path that a middleware such as http.StripPrefix cut from r.URL. A
// router that sets neither leaves SCRIPT_NAME "" (or the Base environ's).
//
// Handlers and environs are pooled: a request allocates only what net/http
// and the application do.
type HTTPHandler struct {
	// App is the application.
	App wsgiref.App
	// Server fills SERVER_NAME, SERVER_PORT and SERVER_SOFTWARE. An empty
	// Name or Port is taken from the request's Host (port 80 or 443 when
	// it has none).
	Server ServerInfo
	// Base, when set, is copied into each request environ first, as
	// CPython's base_environ: its variables are kept, SERVER_NAME or
	// REMOTE_HOST included, and its SCRIPT_NAME is put before the mount
	// point (see [RequestEnviron]). It must not change while requests are
	// served.
	Base *wsgiref.Environ
	// Errors is wsgi.errors and where errors are logged; nil is os.Stderr.
	Errors io.Writer
	// Setup, when set, configures each new Handler (ErrorOutput,
	// LogError, Sendfile, ...) before its first request.
	Setup func(h *Handler)

	pool sync.Pool
}

// NewHTTPHandler returns an http.Handler running app, SERVER_SOFTWARE
// "WSGIServer/0.2" as CPython's simple server says.
func NewHTTPHandler(app wsgiref.App) *HTTPHandler {
	return &HTTPHandler{App: app, Server: ServerInfo{Software: "WSGIServer/0.2"}}
}

// bridgeState is what the pool keeps per request in flight.
type bridgeState struct {
	h Handler
	w http.ResponseWriter
}

func (b *HTTPHandler) get() *bridgeState {
	if s, ok := b.pool.Get().(*bridgeState); ok {
		return s
	}
	s := &bridgeState{}
	h := &s.h
	h.OriginServer = true
	h.Multithread = true
	h.ErrorStatus = DefaultErrorStatus
	h.ErrorHeaders = DefaultErrorHeaders()
	h.ErrorBody = []byte(DefaultErrorBody)
	h.FileWrapper = defaultFileWrapper
	h.Sendfile = SendfileWriterTo
	h.init()
	h.sink = s.writeHeader
	if b.Setup != nil {
		b.Setup(h)
	}
	return s
}

// ServeHTTP runs the application for r. A request whose path decodes to
// CR, LF or NUL gets 400 without reaching the application (see
// [wsgiutil.PathHasControl]).
func (b *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if wsgiutil.PathHasControl(requestTarget(r)) {
		// As the simple server: no CGI variable may hold CR, LF or NUL.
		http.Error(w, "Control character in the path", http.StatusBadRequest)
		return
	}
	s := b.get() // reset when it went back to the pool
	h := &s.h
	srv := b.Server
	if srv.Name == "" || srv.Port == "" {
		name, port := hostPort(r)
		if srv.Name == "" {
			srv.Name = name
		}
		if srv.Port == "" {
			srv.Port = port
		}
	}
	if b.Base != nil {
		for k, v := range b.Base.All() {
			h.env.Set(k, v)
		}
	}
	RequestEnviron(&h.env, r, srv)
	errs := b.Errors
	if errs == nil {
		errs = os.Stderr
	}
	h.Stdin, h.Stdout, h.Stderr, h.Environ = r.Body, w, errs, &h.env
	if h.Stdin == nil {
		h.Stdin = http.NoBody
	}
	s.w = w
	h.Run(b.App)
	s.w, h.Stdin, h.Stdout = nil, nil, nil
	h.Reset()
	b.pool.Put(s)
}

// hostPort splits the request's Host into SERVER_NAME and SERVER_PORT
// without allocating.
func hostPort(r *http.Request) (name, port string) {
	host := r.Host
	port = "80"
	if r.TLS != nil {
		port = "443"
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, port = host[:i], host[i+1:]
	}
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), port
}

// writeHeader is the Handler's sink under net/http: the status and the
// fields go to the ResponseWriter.
func (s *bridgeState) writeHeader(status string, fields headers.Headers, contentLength int64) error {
	code := int(status[0]-'0')*100 + int(status[1]-'0')*10 + int(status[2]-'0')
	if code < 200 {
		return ErrStatusUnsupported
	}
	hdr := s.w.Header()
	values := make([]string, len(fields)+1)
	hasLength := false
	for i, f := range fields {
		key := textproto.CanonicalMIMEHeaderKey(f.Name)
		hasLength = hasLength || key == "Content-Length"
		if old, ok := hdr[key]; ok {
			hdr[key] = append(old, f.Value)
			continue
		}
		values[i] = f.Value
		hdr[key] = values[i : i+1 : i+1]
	}
	if contentLength >= 0 && !hasLength {
		values[len(fields)] = strconv.FormatInt(contentLength, 10)
		hdr["Content-Length"] = values[len(fields):]
	}
	s.w.WriteHeader(code)
	return nil
}
