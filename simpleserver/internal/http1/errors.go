package http1

import "strconv"

// Default limits, Apache httpd's: LimitRequestLine 8190, LimitRequestFieldSize
// 8190, LimitRequestFields 100.
const (
	DefaultMaxRequestLine = 8190
	DefaultMaxFieldLine   = 8190
	DefaultMaxFields      = 100
	DefaultMaxHeaderBytes = 1 << 20
)

// Limits bound what the reader takes from one request head.
type Limits struct {
	// MaxRequestLine is the longest request line, without its CRLF (414).
	MaxRequestLine int
	// MaxFieldLine is the longest field line, without its CRLF (431).
	MaxFieldLine int
	// MaxFields is the most field lines in a head or a trailer section (431).
	MaxFields int
	// MaxHeaderBytes bounds the field lines of a head, CRLFs included,
	// and so the buffer a head needs (431).
	MaxHeaderBytes int
}

// orDefault returns l with each unset (<= 0) limit at its default.
func (l Limits) orDefault() Limits {
	if l.MaxRequestLine <= 0 {
		l.MaxRequestLine = DefaultMaxRequestLine
	}
	if l.MaxFieldLine <= 0 {
		l.MaxFieldLine = DefaultMaxFieldLine
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	return l
}

// Error is a request the reader refuses: the status to answer with and the
// reason to log. The connection cannot go on after one, since where the
// request ends is not known.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return "http1: " + strconv.Itoa(e.Status) + " " + e.Reason }

// The refusals. Each is one shape of RFC 9112 that a request may not have;
// the comments name the rule.
var (
	// Limits.
	ErrRequestLineTooLong = &Error{414, "Request line too long"}
	ErrFieldLineTooLong   = &Error{431, "Header field line too long"}
	ErrTooManyFields      = &Error{431, "Too many header fields"}
	ErrHeadTooLarge       = &Error{431, "Request header fields too large"}

	// Line ends (RFC 9112 section 2.2): CRLF only.
	ErrBareLF = &Error{400, "Bare LF as a line end"}
	ErrBareCR = &Error{400, "Bare CR in a line"}

	// Request line (RFC 9112 section 3).
	ErrRequestLine = &Error{400, "Malformed request line"}
	ErrMethod      = &Error{400, "Malformed method"}
	ErrVersion     = &Error{400, "Malformed HTTP version"}
	ErrMajor       = &Error{505, "HTTP major version other than 1"}
	ErrTargetByte  = &Error{400, "Control character, space or non-ASCII byte in the request-target"}
	ErrTargetForm  = &Error{400, "Request-target neither origin form, an http(s) URI with a host, nor * with OPTIONS"}
	ErrEscape      = &Error{400, "Malformed percent escape in the path"}
	ErrPathControl = &Error{400, "Control character in the path"}
	ErrConnect     = &Error{501, "CONNECT is not supported"}

	// Field lines (RFC 9112 section 5).
	ErrObsFold     = &Error{400, "Obsolete line folding in the header"}
	ErrSpaceBefore = &Error{400, "Whitespace between a header field name and its colon"}
	ErrEmptyName   = &Error{400, "Empty header field name"}
	ErrNoColon     = &Error{400, "Header field line without a colon"}
	ErrNameByte    = &Error{400, "Invalid byte in a header field name"}
	ErrValueByte   = &Error{400, "Control character in a header field value"}

	// Framing (RFC 9112 sections 6 and 7, RFC 9110 section 8.6).
	ErrContentLength = &Error{400, "Malformed Content-Length"}
	ErrDupLength     = &Error{400, "More than one Content-Length"}
	ErrLengthAndTE   = &Error{400, "Content-Length together with Transfer-Encoding"}
	ErrTE10          = &Error{400, "Transfer-Encoding in an HTTP/1.0 request"}
	ErrTransferCode  = &Error{501, "Transfer coding other than chunked"}

	// Host (RFC 9112 section 3.2).
	ErrNoHost  = &Error{400, "Missing required Host header"}
	ErrDupHost = &Error{400, "More than one Host header"}

	// Chunked transfer coding (RFC 9112 section 7.1).
	ErrChunkSize      = &Error{400, "Malformed chunk size"}
	ErrChunkOverflow  = &Error{400, "Chunk size too large"}
	ErrChunkExtension = &Error{400, "Malformed chunk extension"}
	ErrChunkEnd       = &Error{400, "Chunk data not followed by CRLF"}
	ErrChunkLine      = &Error{400, "Chunk line too long"}
	ErrTrailer        = &Error{400, "Malformed trailer field"}
)
