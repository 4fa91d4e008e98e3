package oracle

import (
	"strconv"
	"strings"
)

// Oldest and Newest bound the CPython versions the tests pass against.
// Where versions differ, this module follows Newest.
var (
	Oldest = Version{3, 11, 0}
	Newest = Version{3, 13, 0}
)

// A Difference is one behaviour of CPython's wsgiref (or the http.server
// under it) that changed between the supported versions. Old is what
// versions before Since do, New what Since and later do.
type Difference struct {
	Since    Version
	What     string
	Old, New string
	// Code is the status code for a reason phrase or explanation, 0 for
	// anything else.
	Code int
	// Rewrite says whether Old appears in the bytes an older CPython
	// writes and is replaced by New in [ToNewest]. Differences that leave
	// no trace in a response (code that never runs, an __all__ entry) are
	// listed with Rewrite false, for the record.
	Rewrite bool
}

// Differences is the one table of per-version differences, found by
// diffing and running wsgiref and http.server of CPython 3.11.7, 3.12.1 and
// 3.13.0. 3.11 and 3.12 answer identically; 3.13 renamed four status
// phrases to RFC 9110's names (http.HTTPStatus, gh-99576 and its follow-ups)
// and dropped dead code from simple_server.
var Differences = []Difference{
	{Since: v313, Code: 413, What: "reason phrase of 413", Old: "Request Entity Too Large", New: "Content Too Large", Rewrite: true},
	{Since: v313, Code: 413, What: "explanation of 413 on the error page", Old: "Entity is too large", New: "Content is too large", Rewrite: true},
	{Since: v313, Code: 414, What: "reason phrase of 414", Old: "Request-URI Too Long", New: "URI Too Long", Rewrite: true},
	{Since: v313, Code: 416, What: "reason phrase of 416", Old: "Requested Range Not Satisfiable", New: "Range Not Satisfiable", Rewrite: true},
	{Since: v313, Code: 422, What: "reason phrase of 422", Old: "Unprocessable Entity", New: "Unprocessable Content", Rewrite: true},
	{Since: v313, What: "WSGIRequestHandler.get_environ sets REMOTE_HOST when address_string() differs from the client's IP",
		Old: "REMOTE_HOST set from address_string()", New: "never set",
		// address_string() has returned client_address[0] since 3.3, so
		// the removed branch never ran: no environ differs.
	},
	{Since: v313, What: "wsgiref.util.__all__", Old: "without is_hop_by_hop", New: "with is_hop_by_hop"},
}

var v313 = Version{3, 13, 0}

// Reason returns the reason phrase and the error-page explanation that
// http.server's BaseHTTPRequestHandler.responses of version v gives code,
// for the codes listed in [Differences]; ok is false for the others, whose
// texts are the same in every supported version.
//
// For example, Reason(414, Version{3, 11, 7}) is "Request-URI Too Long",
// "URI is too long", and Reason(414, Newest) is "URI Too Long",
// "URI is too long".
func Reason(code int, v Version) (phrase, explain string, ok bool) {
	switch code {
	case 413:
		phrase, explain = "Content Too Large", "Content is too large"
	case 414:
		phrase, explain = "URI Too Long", "URI is too long"
	case 416:
		phrase, explain = "Range Not Satisfiable", "Cannot satisfy request range"
	case 422:
		phrase, explain = "Unprocessable Content", ""
	default:
		return "", "", false
	}
	for _, d := range Differences {
		if d.Code == code && v.Before(d.Since) {
			phrase = strings.Replace(phrase, d.New, d.Old, 1)
			explain = strings.Replace(explain, d.New, d.Old, 1)
		}
	}
	return phrase, explain, true
}

// Status returns the status line's text for code in the newest CPython,
// for the codes listed in [Differences]: Status(414) is "414 URI Too Long".
// It is empty for the other codes. Tests of what this server sends use it.
func Status(code int) string {
	phrase, _, ok := Reason(code, Newest)
	if !ok {
		return ""
	}
	return strconv.Itoa(code) + " " + phrase
}

// ToNewest rewrites what CPython version v wrote into what the newest
// supported CPython writes in its place: each listed Old text replaced by
// its New one. When out is one whole HTTP response with a Content-Length
// that matches its body, the length is recomputed for the rewritten body,
// as the newer CPython computes it. A test comparing this server's bytes
// with an older CPython's compares them with ToNewest(out, v).
//
// For example, with v 3.11.7, "HTTP/1.0 414 Request-URI Too Long" becomes
// "HTTP/1.0 414 URI Too Long"; with v 3.13.0 nothing changes.
func ToNewest(out string, v Version) string {
	head, body, ok := strings.Cut(out, "\r\n\r\n")
	if !ok || !strings.HasPrefix(head, "HTTP/") {
		return rewrite(out, v)
	}
	const field = "\r\nContent-Length: "
	i := strings.Index(head, field)
	if i < 0 {
		return rewrite(out, v)
	}
	rest := head[i+len(field):]
	n, tail, _ := strings.Cut(rest, "\r\n")
	if n != strconv.Itoa(len(body)) {
		return rewrite(out, v)
	}
	body = rewrite(body, v)
	head = rewrite(head[:i], v) + field + strconv.Itoa(len(body))
	if tail != "" {
		head += "\r\n" + rewrite(tail, v)
	}
	return head + "\r\n\r\n" + body
}

// rewrite replaces the Old texts of the differences since v by the New.
func rewrite(s string, v Version) string {
	for _, d := range Differences {
		if d.Rewrite && v.Before(d.Since) {
			s = strings.ReplaceAll(s, d.Old, d.New)
		}
	}
	return s
}
