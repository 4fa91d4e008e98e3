package routing

import (
	"errors"
	"strconv"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// The builders of a generated router write a route's path back from its
// parameter values, percent-encoded so that a server's decoding of the
// request-target gives PATH_INFO the same bytes and the router the same
// values. Some values no request path can carry: a server decodes %2F to
// "/" before PATH_INFO (PEP 3333), so a "/" inside a parameter would split
// it; "." and ".." are dot segments that URL resolution removes (RFC 3986,
// section 5.2.4) and the path walk resolves; an empty value is no segment.
// A builder refuses them with a *BuildError rather than return a path that
// routes elsewhere.
var (
	// ErrEmptyValue: a :param value is "", which matches no parameter.
	ErrEmptyValue = errors.New("routing: empty value: a parameter matches a non-empty segment")
	// ErrSlashInValue: a :param value holds "/", which would split it.
	ErrSlashInValue = errors.New(`routing: "/" in a parameter value: a server decodes %2F to "/" before routing`)
	// ErrDotValue: a :param value is "." or "..", a dot segment.
	ErrDotValue = errors.New(`routing: "." and ".." are dot segments, which URL resolution and the path walk remove`)
	// ErrControlValue: a value holds CR, LF or NUL, which servers refuse in a path.
	ErrControlValue = errors.New("routing: CR, LF or NUL in a value: servers answer 400 to such a path")
	// ErrRestNotPath: a *rest value is neither "" nor a clean path ("/a/b", "/a/").
	ErrRestNotPath = errors.New(`routing: a catch-all value must be "" or a path of non-empty segments starting with "/", none "." or ".."`)
	// ErrArity: a builder got a different number of values than the route has parameters.
	ErrArity = errors.New("routing: wrong number of parameter values")
)

// BuildError reports a parameter value that a builder refused: which
// parameter, its value, and why (one of the Err* values above, for
// errors.Is).
type BuildError struct {
	Param string // the parameter name, without ':' or '*'
	Value string // the value refused
	Err   error  // the reason
}

// Error names the parameter, its value and the reason.
func (e *BuildError) Error() string {
	return "routing: cannot build a path with " + e.Param + "=" + strconv.Quote(e.Value) + ": " + strings.TrimPrefix(e.Err.Error(), "routing: ")
}

// Unwrap returns the reason, such as ErrSlashInValue.
func (e *BuildError) Unwrap() error { return e.Err }

// pathSafe is what a built path leaves unescaped: wsgiutil.Quote's path
// set (letters, digits, "_.-~" and "/;=,"), the one RequestURI uses for
// PATH_INFO.
const pathSafe = "/;=,"

// Segment returns value percent-encoded as one path segment, for the
// :name parameter of a route: "a b/?" is refused (ErrSlashInValue), "a b?#%"
// becomes "a%20b%3F%23%25" and "über" becomes "%C3%BCber" (its UTF-8 bytes).
// A server decodes it back to value, which the parameter captures.
func Segment(name, value string) (string, error) {
	switch {
	case value == "":
		return "", &BuildError{name, value, ErrEmptyValue}
	case value == "." || value == "..":
		return "", &BuildError{name, value, ErrDotValue}
	case strings.IndexByte(value, '/') >= 0:
		return "", &BuildError{name, value, ErrSlashInValue}
	case hasControl(value):
		return "", &BuildError{name, value, ErrControlValue}
	}
	return wsgiutil.Quote(value, pathSafe), nil
}

// Rest returns value percent-encoded as the rest of a path, for the
// *name catch-all of a route: "/docs/a b/" becomes "/docs/a%20b/", its
// slashes kept. The value must be "" or a path the walk leaves as it is:
// it starts with "/", and has no empty, "." or ".." segment except an
// empty last one (a trailing slash). A mounted application then sees it
// as its PATH_INFO.
func Rest(name, value string) (string, error) {
	if !cleanPathInfo(value) || strings.HasPrefix(value, "//") || value == "/." || value == "/.." {
		return "", &BuildError{name, value, ErrRestNotPath}
	}
	if hasControl(value) {
		return "", &BuildError{name, value, ErrControlValue}
	}
	return wsgiutil.Quote(value, pathSafe), nil
}

func hasControl(s string) bool { return strings.ContainsAny(s, "\r\n\x00") }

// AbsoluteURL returns path under the application's root that env names:
// wsgiutil.ApplicationURI(env) (scheme, host, port, the quoted SCRIPT_NAME)
// followed by path, one of a builder's results. env's SCRIPT_NAME must be
// where the router is mounted: with SCRIPT_NAME "/api" and host
// example.com, "/users/x" becomes "http://example.com/api/users/x".
func AbsoluteURL(env *wsgiref.Environ, path string) string {
	return strings.TrimSuffix(wsgiutil.ApplicationURI(env), "/") + path
}

// Pattern is a route's path as its builders write it: Pieces[0], the
// first value escaped, Pieces[1], the second value, and so on, the static
// text already escaped. For GET /repos/:owner/:repo/issues/:number the
// pieces are "/repos/", "/", "/issues/", "" and the names owner, repo,
// number. Rest says the last value is a catch-all's (escaped by [Rest],
// the others by [Segment]).
type Pattern struct {
	Pieces []string // len(Names)+1 escaped static parts
	Names  []string // the parameter names, in path order
	Rest   bool     // the last parameter is a *catch-all
}

// Path returns the path with values for the parameters, in order:
//
//	Pattern{Pieces: {"/users/", "/keys"}, Names: {"user"}}.Path("a b")
//	"/users/a%20b/keys", nil
//
// A value the path cannot carry is a *BuildError, and a wrong number of
// values is ErrArity.
func (p *Pattern) Path(values ...string) (string, error) {
	if len(values) != len(p.Names) || len(p.Pieces) != len(values)+1 {
		return "", &BuildError{Param: strings.Join(p.Names, ","), Value: strings.Join(values, ","), Err: ErrArity}
	}
	n := len(p.Pieces[0])
	for i, v := range values {
		n += len(v) + len(p.Pieces[i+1])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(p.Pieces[0])
	for i, v := range values {
		var q string
		var err error
		if p.Rest && i == len(values)-1 {
			q, err = Rest(p.Names[i], v)
		} else {
			q, err = Segment(p.Names[i], v)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(q)
		b.WriteString(p.Pieces[i+1])
	}
	return b.String(), nil
}

// URL returns [Pattern.Path] under the application root of env, as
// [AbsoluteURL] does: env's SCRIPT_NAME is the router's mount point.
func (p *Pattern) URL(env *wsgiref.Environ, values ...string) (string, error) {
	path, err := p.Path(values...)
	if err != nil {
		return "", err
	}
	return AbsoluteURL(env, path), nil
}

// BuildPath returns the path of route r with values for its parameters,
// in path order (r.Pattern.Names): the table form of the route's typed
// builder, for tools and tests that go through every route.
func (r Route) BuildPath(values ...string) (string, error) {
	if r.Pattern == nil {
		return "", &BuildError{Param: r.Path, Err: ErrArity}
	}
	return r.Pattern.Path(values...)
}
