package uwsgi

import "github.com/gowsgi/wsgiref/internal/gateway/gatewaytesting"

// badInput are the malformed requests only the packet's grammar has; the
// shared tests add those every gateway refuses alike, and check for each
// the status the front end gets (none when it cannot read any more), the
// reason logged, and that the next good request is served.
var badInput = []gatewaytesting.BadInputCase{
	{Name: "HTTP instead", Raw: "GET / HTTP/1.1\r\n\r\n", Status: "400 Bad Request", Reason: "uwsgi: refused request: unsupported packet modifiers"},
	{Name: "modifier1 5", Raw: string(packet(5, 0, "CONTENT_LENGTH", "0")), Status: "400 Bad Request", Reason: "uwsgi: refused request: unsupported packet modifiers"},
	{Name: "modifier2 1", Raw: string(packet(0, 1, "CONTENT_LENGTH", "0")), Status: "400 Bad Request", Reason: "uwsgi: refused request: unsupported packet modifiers"},
	{Name: "oversized packet", Raw: "\x00\xe9\x03\x00", Status: "431 Request Header Fields Too Large", Reason: "request variables larger than the limit"},
	{Name: "truncated header", Raw: "\x00\x05", CloseWrite: true, Reason: "connection closed in the middle of the request"},
	{Name: "truncated data", Raw: "\x00\x10\x00\x00\x02\x00ab", CloseWrite: true, Reason: "connection closed in the middle of the request"},
	{Name: "slow packet", Raw: "\x00\x10\x00\x00\x02\x00ab", Status: "408 Request Timeout", Reason: "i/o timeout"},
	{Name: "key size past the end", Raw: "\x00\x04\x00\x00\x09\x00ab", Status: "400 Bad Request", Reason: "uwsgi: refused request: malformed variables"},
	{Name: "odd byte at the end", Raw: "\x00\x01\x00\x00\x09", Status: "400 Bad Request", Reason: "uwsgi: refused request: malformed variables"},
	{Name: "key without value", Raw: "\x00\x04\x00\x00\x02\x00ab", Status: "400 Bad Request", Reason: "uwsgi: refused request: malformed variables"},
	{Name: "empty name", Raw: string(packet(0, 0, "", "x")), Status: "400 Bad Request", Reason: "uwsgi: refused request: malformed variables"},
}
