// Package routing is the runtime of the routers that gen/routegen writes:
// the path walk, the routing args and the 404/405/501 answers that
// generated code calls. It has no router of its own; a generated router is
// a nested switch on path segments that calls into this package or, for a
// big route file, a [Table] that this package walks, and imports nothing
// else but the wsgiref module.
//
// # Path walk
//
// A router descends the path one segment at a time with the semantics of
// wsgiutil.ShiftPathInfo (Python's shift_path_info), so the application a
// route chooses sees the SCRIPT_NAME and PATH_INFO that a chain of
// shift_path_info calls would leave:
//
//   - "/x" and "/x/" stay distinct: the trailing slash is a last, empty
//     segment, which a parameter never matches;
//   - empty and "." segments in the middle of PATH_INFO are skipped, so
//     "/user//repos" and "/user/./repos" route as "/user/repos";
//   - ".." is a segment name (a parameter captures it) that removes the
//     last segment of SCRIPT_NAME, as posixpath.normpath does. Do not use
//     a parameter as a file name without checking it.
//
// [Path.Begin] reads REQUEST_METHOD, SCRIPT_NAME and PATH_INFO and checks once
// whether the path is clean (plain segments only): then the walk cuts
// substrings of one string and nothing allocates. Otherwise it runs
// wsgiutil.ShiftPathInfo itself on a scratch environ, so the odd paths get
// CPython's answer by construction; the tests compare the two walks on
// every path they can think of and a fuzzer compares them on the rest.
// A request for a static route (one without parameters) does not walk
// at all: the generated router first compares the whole PATH_INFO with
// the literal paths of its static routes ([WholePath]) and serves a match
// with one write of the environ ([ServeWhole]), which is what the walk
// would have done; anything else begins the walk ([Path.BeginPath]).
// The walk does not touch the environ until a route is chosen
// ([Path.Commit], or [Path.Serve] which commits and calls the route's
// application): a request that matches nothing reaches the 404 as it
// came. Unlike net/http routers, nothing redirects by default: a WSGI
// application is told exactly which path it was mounted at and decides
// for itself; a router generated with -redirect-slash sends a path that
// matches only with its trailing slash changed there ([RedirectSlash]).
//
// # Building paths
//
// Each route of a generated router has typed builders, PathX and URLX,
// that write its path back from parameter values through the route's
// [Pattern]: [Segment] and [Rest] escape a value so that a request for the
// path gives the router the same value again, and refuse, with a
// [*BuildError], a value that no request path can carry.
//
// # Routing args
//
// Captured parameters go under "wsgiorg.routing_args" as an [*Args]: the
// positional list and the named values of the wsgiorg.routing_args
// specification, with typed accessors ([ArgsOf], [Args.Named],
// [Args.Positional], [Args.Int]). A router mounted under another one (a
// "*rest" route) appends to the args the outer router set, so the inner
// application sees both, and the inner value of a repeated name wins. The
// values are substrings of the request path. A route without parameters
// leaves wsgiorg.routing_args as it found it.
//
// An [*Args] belongs to its environ and is reused for the next request on
// the same environ (servers pool their environs), which keeps routing free
// of allocations: an [ArgsCache] keeps one per environ in a small table.
// Like the environ itself, it must not be kept after the request ends. A
// server that reuses an environ must clear its extensions between requests
// ([wsgiref.Environ.Reset] does), or the next router would take the stale
// args for an outer router's and append to them.
package routing
