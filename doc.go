// Package wsgiref holds the protocol types of PEP 3333 as Go types: the
// request environment ([Environ]), the application ([App], [AppFunc]), the
// start_response callable ([StartResponse], [Write]) and the response body
// ([Body]). It is the Go counterpart of Python's wsgiref.types.
//
// The other packages of the module build on these types, one package per
// wsgiref module: headers (wsgiref.headers), wsgiutil (wsgiref.util),
// fileswrap (wsgiref.util.FileWrapper), handlers (wsgiref.handlers),
// validate (wsgiref.validate) and simpleserver (wsgiref.simple_server).
//
// Strings follow PEP 3333's "bytes in unicode" convention: a Go string holds
// the raw bytes of the request or response, each byte standing for the
// ISO-8859-1 character of the same value. Nothing in the hot paths transcodes.
package wsgiref
