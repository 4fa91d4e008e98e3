// Package routing is the runtime of the routers that gen/routegen writes:
// the path walk, the routing args and the 404/405 answers that generated
// code calls. It has no router of its own; a generated router is a nested
// switch on path segments that calls into this package.
//
// # Path walk
//
// A router descends the path one segment at a time with the semantics of
// wsgiutil.ShiftPathInfo (Python's shift_path_info), so the application a
// route chooses sees the SCRIPT_NAME and PATH_INFO that a chain of
// shift_path_info calls would leave: "/x" and "/x/" stay distinct, empty and
// "." segments in the middle of PATH_INFO are skipped, and ".." is a segment
// name that removes the last segment of SCRIPT_NAME. [Begin] checks once
// whether the request path is clean (plain segments only); then the walk
// only cuts substrings of one string and nothing allocates. Otherwise it
// runs wsgiutil.ShiftPathInfo itself on a scratch environ, so the odd paths
// get CPython's answer by construction. The walk never touches the environ
// until a route is chosen: a request that matches nothing is handed to the
// not-found answer as it came.
//
// # Routing args
//
// Captured parameters go under "wsgiorg.routing_args" as an [*Args]: the
// positional list and the named values of the wsgiorg.routing_args
// specification, with typed accessors ([ArgsOf], [Args.Named],
// [Args.Positional], [Args.Int]). A router mounted under another one (a
// "*rest" route) appends to the args the outer router set, so the inner
// application sees both. The values are substrings of the request path.
//
// An [*Args] belongs to its environ and is reused for the next request on
// the same environ (servers pool their environs), which keeps routing free
// of allocations. Like the environ itself, it must not be kept after the
// request ends.
package routing
