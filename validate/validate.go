// Package validate is wsgiref.validate: middleware that checks that a WSGI
// application and the server under it keep to PEP 3333, with the checks of
// CPython's validator that apply to Go's types.
//
// [Validator] wraps an application. Each violation it finds is an [*Error]
// whose message is CPython's assertion message, word for word: a violation
// in the environ or in start_response's arguments is returned to the
// caller instead of running on, so a server answers with its error page and
// logs the message; a violation in the body (read after close, iteration
// before start_response) is returned by the body's Next. Doubtful but legal
// things (an unknown method, a missing QUERY_STRING, a status without a
// reason) are warnings, sent to a configurable sink.
//
// [Check] runs an application once against a synthetic environ and returns
// everything it found, for tests.
//
// Checks that Go's types make unnecessary are left out: the environ is
// always a mapping of strings, headers a list of string pairs, the body a
// sequence of byte slices, wsgi.input a reader. Go adds a check CPython
// cannot make: a write after the body was closed.
package validate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Error is a violation of PEP 3333, CPython's AssertionError in
// wsgiref.validate. Match it with errors.As or [IsViolation].
type Error struct {
	// Message is CPython's assertion message, word for word ("Status
	// codes must be three characters: '2000'").
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

func fail(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// WarningCategory prefixes warnings written by the default sink, as Python
// names the category of a warning.
const WarningCategory = "WSGIWarning"

// Middleware is the validating middleware. Its zero value with App set is
// ready to use; [Validator] returns one.
type Middleware struct {
	// App is the application checked.
	App wsgiref.App
	// Warn receives each warning. nil writes "WSGIWarning: message" lines
	// to wsgi.errors. For a body never closed, found when the garbage
	// collector reclaims it, env is nil and the default writes to
	// os.Stderr, as CPython's validator does.
	Warn func(env *wsgiref.Environ, message string)

	// collect, set by Check, records every violation and lets the
	// application run on.
	collect *[]error
}

// Validator returns app wrapped in the validating middleware, as CPython's
// validator(application).
func Validator(app wsgiref.App) wsgiref.App {
	return &Middleware{App: app}
}

func (m *Middleware) warn(env *wsgiref.Environ, msg string) {
	if m.Warn != nil {
		m.Warn(env, msg)
		return
	}
	var w io.Writer = os.Stderr
	if env != nil && env.Errors != nil {
		w = env.Errors
	}
	io.WriteString(w, WarningCategory+": "+msg+"\n")
}

// violation records err in collect mode; it reports whether the caller
// must stop (strict mode).
func (m *Middleware) violation(errs ...*Error) error {
	if len(errs) == 0 {
		return nil
	}
	if m.collect != nil {
		for _, e := range errs {
			*m.collect = append(*m.collect, e)
		}
		return nil
	}
	return errs[0]
}

// record always returns the violation (for calls that must fail, such as
// closing wsgi.input) and records it in collect mode.
func (m *Middleware) record(e *Error) error {
	if m.collect != nil {
		*m.collect = append(*m.collect, e)
	}
	return e
}

// ServeWSGI checks the environ, runs the application with checked
// start_response, wsgi.input and wsgi.errors, and returns its body wrapped
// in a checking iterator. The iterator forwards the body's block count
// ([wsgiref.BlockCounter]), so a server sets Content-Length for a one-block
// body as it would without the validator. CPython's IteratorWrapper has no
// len(), so under CPython's validator every response lost its length
// (chunked on HTTP/1.1); a checker should not change the bytes it checks.
func (m *Middleware) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	errs, warns := CheckEnviron(env)
	for _, w := range warns {
		m.warn(env, w)
	}
	if err := m.violation(errs...); err != nil {
		return nil, err
	}
	st := &state{m: m, env: env}
	if env.Input != nil {
		env.Input = &inputWrapper{r: env.Input, m: m}
	}
	if env.Errors != nil {
		env.Errors = &errorsWrapper{w: env.Errors, m: m}
	}
	body, err := m.App.ServeWSGI(env, st.startResponse(start))
	if err != nil {
		return body, err
	}
	it := &iterator{body: body, st: st}
	runtime.AddCleanup(it, func(s *state) {
		if !s.closed {
			s.m.warn(nil, "Iterator garbage collected without being closed")
		}
	}, st)
	return it, nil
}

// state is shared by the start_response, write and body wrappers of one
// request.
type state struct {
	m          *Middleware
	env        *wsgiref.Environ
	started    bool
	checkStart bool
	closed     bool
}

func (s *state) startResponse(start wsgiref.StartResponse) wsgiref.StartResponse {
	s.checkStart = true
	return func(status string, h headers.Headers, excInfo ...error) (wsgiref.Write, error) {
		var errs []*Error
		if len(excInfo) > 1 {
			errs = append(errs, fail("Invalid number of arguments: %d", 2+len(excInfo)))
		}
		serrs, warns := CheckStatus(status)
		errs = append(errs, serrs...)
		errs = append(errs, CheckHeaders(h)...)
		if len(serrs) == 0 {
			errs = append(errs, CheckContentType(status, h)...)
		}
		for _, w := range warns {
			s.m.warn(s.env, w)
		}
		if err := s.m.violation(errs...); err != nil {
			return nil, err
		}
		s.started = true
		write, err := start(status, h, excInfo...)
		if write == nil {
			return nil, err
		}
		return func(data []byte) error {
			if s.closed {
				return s.m.record(fail("write() called after the body was closed"))
			}
			return write(data)
		}, err
	}
}

// iterator is CPython's IteratorWrapper.
type iterator struct {
	body wsgiref.Body
	st   *state
}

func (it *iterator) Next() ([]byte, error) {
	if it.st.closed {
		return nil, it.st.m.record(fail("Iterator read after closed"))
	}
	if it.body == nil {
		return nil, io.EOF
	}
	data, err := it.body.Next()
	if err == nil || len(data) > 0 {
		if it.st.checkStart {
			it.st.checkStart = false
			if !it.st.started {
				if v := it.st.m.violation(fail("The application returns and we started iterating over its body, but start_response has not yet been called")); v != nil {
					return nil, v
				}
			}
		}
	}
	return data, err
}

// Blocks returns the application's block count, or -1 when its body has
// none: Blocks of [wsgiref.Strings]("a") gives 1, of a [wsgiref.FromSeq]
// body -1.
func (it *iterator) Blocks() int {
	if c, ok := it.body.(wsgiref.BlockCounter); ok {
		return c.Blocks()
	}
	return -1
}

// Close closes the application's body.
func (it *iterator) Close() error {
	it.st.closed = true
	if c, ok := it.body.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// inputWrapper is wsgi.input under the validator: reads pass, Close is a
// violation (the server owns the request stream).
type inputWrapper struct {
	r io.Reader
	m *Middleware
}

func (i *inputWrapper) Read(p []byte) (int, error) { return i.r.Read(p) }

// Close reports that the application closed wsgi.input.
func (i *inputWrapper) Close() error {
	return i.m.record(fail("input.close() must not be called"))
}

// errorsWrapper is wsgi.errors under the validator.
type errorsWrapper struct {
	w io.Writer
	m *Middleware
}

func (e *errorsWrapper) Write(p []byte) (int, error) { return e.w.Write(p) }

// Flush flushes the server's stream when it can be flushed.
func (e *errorsWrapper) Flush() error {
	switch f := e.w.(type) {
	case interface{ Flush() error }:
		return f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return nil
}

// Close reports that the application closed wsgi.errors.
func (e *errorsWrapper) Close() error {
	return e.m.record(fail("errors.close() must not be called"))
}

var knownMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "OPTIONS": true,
	"PATCH": true, "PUT": true, "DELETE": true, "TRACE": true,
}

// CheckEnviron is check_environ: it returns the violations of env, in
// CPython's order, and the warnings.
func CheckEnviron(env *wsgiref.Environ) (errs []*Error, warnings []string) {
	for _, key := range []string{"REQUEST_METHOD", "SERVER_NAME", "SERVER_PORT"} {
		if !env.Has(key) {
			errs = append(errs, fail("Environment missing required key: %s", repr(key)))
		}
	}
	if env.Version == [2]int{} {
		errs = append(errs, fail("Environment missing required key: %s", repr("wsgi.version")))
	}
	if env.Input == nil {
		errs = append(errs, fail("Environment missing required key: %s", repr("wsgi.input")))
	}
	if env.Errors == nil {
		errs = append(errs, fail("Environment missing required key: %s", repr("wsgi.errors")))
	}
	for _, key := range []string{"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"} {
		if env.Has(key) {
			errs = append(errs, fail("Environment should not have the key: %s (use %s instead)", key, key[5:]))
		}
	}
	if !env.Has("QUERY_STRING") {
		warnings = append(warnings, "QUERY_STRING is not in the WSGI environment; the cgi "+
			"module will use sys.argv when this variable is missing, "+
			"so application errors are more likely")
	}
	for key, value := range env.Extensions() {
		if !strings.Contains(key, ".") {
			errs = append(errs, fail("Environmental variable %s is not a string: %T (value: %#v)", key, value, value))
		}
	}
	if scheme, ok := env.Lookup(wsgiref.URLSchemeKey); !ok {
		errs = append(errs, fail("Environment missing required key: %s", repr(wsgiref.URLSchemeKey)))
	} else if scheme != "http" && scheme != "https" {
		errs = append(errs, fail("wsgi.url_scheme unknown: %s", repr(scheme)))
	}
	if method, ok := env.Lookup("REQUEST_METHOD"); ok && !knownMethods[method] {
		warnings = append(warnings, "Unknown REQUEST_METHOD: "+repr(method))
	}
	script, path := env.Get("SCRIPT_NAME"), env.Get("PATH_INFO")
	if script != "" && script[0] != '/' {
		errs = append(errs, fail("SCRIPT_NAME doesn't start with /: %s", repr(script)))
	}
	if path != "" && path[0] != '/' {
		errs = append(errs, fail("PATH_INFO doesn't start with /: %s", repr(path)))
	}
	if cl := env.Get("CONTENT_LENGTH"); cl != "" {
		if n, ok := pyInt(cl); !ok {
			errs = append(errs, fail("invalid literal for int() with base 10: %s", repr(cl)))
		} else if n < 0 {
			errs = append(errs, fail("Invalid CONTENT_LENGTH: %s", repr(cl)))
		}
	}
	if script == "" && !env.Has("PATH_INFO") {
		errs = append(errs, fail("One of SCRIPT_NAME or PATH_INFO are required (PATH_INFO "+
			"should at least be '/' if SCRIPT_NAME is empty)"))
	}
	if script == "/" {
		errs = append(errs, fail("SCRIPT_NAME cannot be '/'; it should instead be '', and "+
			"PATH_INFO should be '/'"))
	}
	return errs, warnings
}

// statusCode returns the first whitespace-separated word of a status, as
// Python's status.split(None, 1)[0].
func statusCode(status string) string {
	s := strings.TrimLeft(status, " \t\n\r\v\f\x1c\x1d\x1e\x1f")
	if i := strings.IndexAny(s, " \t\n\r\v\f\x1c\x1d\x1e\x1f"); i >= 0 {
		s = s[:i]
	}
	return s
}

// CheckStatus is check_status: three characters forming an integer of at
// least 100; a warning when the status lacks "NNN reason".
func CheckStatus(status string) (errs []*Error, warnings []string) {
	code := statusCode(status)
	if len(code) != 3 {
		return []*Error{fail("Status codes must be three characters: %s", repr(code))}, nil
	}
	n, ok := pyInt(code)
	if !ok {
		return []*Error{fail("invalid literal for int() with base 10: %s", repr(code))}, nil
	}
	if n < 100 {
		return []*Error{fail("Status code is invalid: %d", n)}, nil
	}
	if len(status) < 4 || status[3] != ' ' {
		warnings = append(warnings, "The status string ("+repr(status)+") should be a three-digit "+
			"integer followed by a single space and a status explanation")
	}
	return nil, warnings
}

// CheckHeaders is check_headers: no Status header, names of letters,
// digits, '-' and '_' starting with a letter and not ending with '-' or
// '_', values without control characters below 32.
func CheckHeaders(h headers.Headers) (errs []*Error) {
	for _, f := range h {
		name, value := f.Name, f.Value
		if strings.EqualFold(name, "status") {
			errs = append(errs, fail("The Status header cannot be used; it conflicts with CGI "+
				"script, and HTTP status is not given through headers "+
				"(value: %s).", repr(value)))
		}
		if strings.ContainsAny(name, "\n:") {
			errs = append(errs, fail("Header names may not contain ':' or '\\n': %s", repr(name)))
		}
		if !goodName(name) {
			errs = append(errs, fail("Bad header name: %s", repr(name)))
		}
		if strings.HasSuffix(name, "-") || strings.HasSuffix(name, "_") {
			errs = append(errs, fail("Names may not end in '-' or '_': %s", repr(name)))
		}
		if i := strings.IndexFunc(value, func(r rune) bool { return r < 32 }); i >= 0 {
			errs = append(errs, fail("Bad header value: %s (bad char: %s)", repr(value), repr(value[i:i+1])))
		}
	}
	return errs
}

// goodName is header_re: ^[a-zA-Z][a-zA-Z0-9\-_]*$ (Python's $ also
// matches before a final newline).
func goodName(name string) bool {
	name = strings.TrimSuffix(name, "\n")
	if name == "" || !isLetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// CheckContentType is check_content_type: a Content-Type unless the status
// is 204 or 304, and none when it is. The status must have passed
// [CheckStatus].
func CheckContentType(status string, h headers.Headers) []*Error {
	n, ok := pyInt(statusCode(status))
	if !ok {
		return nil
	}
	noBody := n == 204 || n == 304
	for _, f := range h {
		if strings.EqualFold(f.Name, "content-type") {
			if !noBody {
				return nil
			}
			return []*Error{fail("Content-Type header found in a %d response, which must not return content.", n)}
		}
	}
	if !noBody {
		return []*Error{fail("No Content-Type header found in headers (%s)", reprHeaders(h))}
	}
	return nil
}

// IsViolation reports whether err is (or wraps) a validator violation.
func IsViolation(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
