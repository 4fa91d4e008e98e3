package scgi

import (
	"strconv"

	"github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"
)

// badInput are the malformed requests only the netstring's grammar has; the
// shared tests add those every gateway refuses alike, and check for each
// the status the front end gets (none when it cannot read any more), the
// reason logged, and that the next good request is served.
var badInput = []gatewaytesting.BadInputCase{
	{Name: "not a netstring", Raw: "GET / HTTP/1.1\r\n\r\n", Status: "400 Bad Request", Reason: "scgi: refused request: malformed netstring"},
	{Name: "leading zero", Raw: "01:x,", Status: "400 Bad Request", Reason: "scgi: refused request: malformed netstring"},
	{Name: "empty length", Raw: ":x,", Status: "400 Bad Request", Reason: "scgi: refused request: malformed netstring"},
	{Name: "no comma", Raw: "3:abc;", Status: "400 Bad Request", Reason: "scgi: refused request: malformed netstring"},
	{Name: "oversized netstring", Raw: "1001:", Status: "431 Request Header Fields Too Large", Reason: "request variables larger than the limit"},
	{Name: "huge length", Raw: "99999999999999999999999:", Status: "431 Request Header Fields Too Large", Reason: "request variables larger than the limit"},
	{Name: "truncated length", Raw: "12", CloseWrite: true, Reason: "connection closed in the middle of the request"},
	{Name: "truncated data", Raw: "30:CONTENT_LENGTH\x000\x00", CloseWrite: true, Reason: "connection closed in the middle of the request"},
	{Name: "slow headers", Raw: "30:CONTENT_LENGTH", Status: "408 Request Timeout", Reason: "i/o timeout"},
	{Name: "empty block", Raw: "0:,", Status: "400 Bad Request", Reason: "scgi: refused request: CONTENT_LENGTH is not the first header"},
	{Name: "content length not first", Raw: ns("SCGI\x001\x00CONTENT_LENGTH\x000\x00"), Status: "400 Bad Request", Reason: "scgi: refused request: CONTENT_LENGTH is not the first header"},
	{Name: "no SCGI", Raw: ns("CONTENT_LENGTH\x000\x00"), Status: "400 Bad Request", Reason: "scgi: refused request: SCGI header missing or not 1"},
	{Name: "SCGI 2", Raw: ns("CONTENT_LENGTH\x000\x00SCGI\x002\x00"), Status: "400 Bad Request", Reason: "scgi: refused request: SCGI header missing or not 1"},
	{Name: "value without NUL", Raw: ns("CONTENT_LENGTH\x000\x00SCGI\x001"), Status: "400 Bad Request", Reason: "scgi: refused request: malformed header block"},
	{Name: "empty name", Raw: ns("CONTENT_LENGTH\x000\x00SCGI\x001\x00\x00x\x00"), Status: "400 Bad Request", Reason: "scgi: refused request: malformed header block"},
	{Name: "empty length value", Raw: ns("CONTENT_LENGTH\x00\x00SCGI\x001\x00"), Status: "400 Bad Request", Reason: "CONTENT_LENGTH is not a decimal number"},
}

// ns wraps data in a netstring, as it is.
func ns(data string) string { return strconv.Itoa(len(data)) + ":" + data + "," }
