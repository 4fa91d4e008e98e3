// Package wsgiutil is wsgiref.util: the small functions a WSGI server or
// application needs around the environ. It computes URLs from the CGI
// variables ([GuessScheme], [ApplicationURI], [RequestURI]), walks the path
// ([ShiftPathInfo]), fills an environ for tests ([SetupTestingDefaults]),
// recognises hop-by-hop headers ([IsHopByHop]), and turns a request-target
// into PATH_INFO and QUERY_STRING for the module's servers ([PathInfo],
// [Unquote], [SplitTarget], [PathHasControl], [Strip]).
//
// Every result is byte for byte what CPython 3.11's wsgiref.util returns for
// the same environ, with PEP 3333's convention that a Go string holds raw
// bytes, each standing for the ISO-8859-1 character of that value: "\xe4" is
// one byte, and quoting it gives "%E4" as Python's quote(..., encoding=
// "latin1") does.
//
// Where CPython raises an exception on an incomplete environ, these
// functions do not panic; each documents what it does instead:
//
//   - a missing wsgi.url_scheme is taken from [GuessScheme];
//   - a missing SERVER_NAME (with no HTTP_HOST) is empty, and a missing
//     SERVER_PORT adds no port;
//   - a PATH_INFO that does not start with "/" and holds no "/" at all, on
//     which Python's shift_path_info raises IndexError, shifts nothing.
//
// The functions are the hot path of servers and routers: [ShiftPathInfo]
// allocates nothing on a clean path, [RequestURI] and [ApplicationURI]
// allocate only their result.
package wsgiutil
