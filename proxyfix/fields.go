package proxyfix

// The environ keys of the forwarding fields this package reads.
const (
	keyXFor      = "HTTP_X_FORWARDED_FOR"
	keyXProto    = "HTTP_X_FORWARDED_PROTO"
	keyXHost     = "HTTP_X_FORWARDED_HOST"
	keyXPort     = "HTTP_X_FORWARDED_PORT"
	keyXPrefix   = "HTTP_X_FORWARDED_PREFIX"
	keyForwarded = "HTTP_FORWARDED"
)

// otherForwardingKeys are forwarding fields that this package never
// trusts, so it always removes them: an application that read them would
// believe whatever the client sent. They are the ones proxies and
// frameworks commonly use for the client's address or scheme.
var otherForwardingKeys = []string{
	"HTTP_X_FORWARDED_BY",       // waitress clears it too
	"HTTP_X_FORWARDED_SERVER",   // Apache mod_proxy
	"HTTP_X_FORWARDED_SSL",      // gunicorn's secure_scheme_headers
	"HTTP_X_FORWARDED_PROTOCOL", // gunicorn's secure_scheme_headers
	"HTTP_X_FORWARDED_SCHEME",
	"HTTP_X_REAL_IP", // nginx's realip convention
	"HTTP_X_URL_SCHEME",
	"HTTP_FRONT_END_HTTPS", // Microsoft's
}
