package fastcgi

import "errors"

// Errors a connection ends with; they are logged with the connection's
// remote address, and can be told apart with errors.Is.
var (
	// ErrVersion: a record header's version byte is not 1.
	ErrVersion = errors.New("fastcgi: record version is not 1")
	// ErrTruncated: the connection ended inside a record.
	ErrTruncated = errors.New("fastcgi: connection ended inside a record")
	// ErrParamsTooLarge: a request's FCGI_PARAMS stream is longer than the
	// limit of WithMaxParamsBytes.
	ErrParamsTooLarge = errors.New("fastcgi: parameter block too large")
	// ErrBadParams: a name-value pair's lengths run past the end of the
	// parameter block, or a name is empty.
	ErrBadParams = errors.New("fastcgi: malformed name-value pair")
	// ErrBadRecord: a record arrived that the protocol does not allow
	// there (FCGI_PARAMS after the parameters ended, FCGI_STDIN before,
	// a BEGIN_REQUEST body that is not 8 bytes, a second BEGIN_REQUEST for
	// the active id, an application record type that does not exist).
	ErrBadRecord = errors.New("fastcgi: record out of protocol")
	// ErrConnLost: the front end closed the connection while a request
	// was active (its client went away, or it gave up).
	ErrConnLost = errors.New("fastcgi: front end closed the connection mid-request")
	// ErrTimeout: the front end took longer than WithParamsTimeout to send
	// a request's parameters.
	ErrTimeout = errors.New("fastcgi: front end too slow")
	// ErrAborted is what wsgi.input and the response writes return once the
	// front end aborted the request (FCGI_ABORT_REQUEST or a closed
	// connection): the application's request is over.
	ErrAborted = errors.New("fastcgi: request aborted by the front end")
)
