package proxyfix

import (
	"net/netip"
	"strings"

	"github.com/gowsgi/wsgiref"
)

// OriginalKey is the extension key under which [Middleware.Fix] keeps the
// values it replaced, as an *[Original]; it is set only when something was
// replaced.
const OriginalKey = "proxyfix.orig"

// Original holds the environ's values before the forwarding fields
// replaced them: those of the connection from the last proxy. A variable
// that was absent is "".
type Original struct {
	// RemoteAddr and RemotePort are REMOTE_ADDR and REMOTE_PORT: the
	// last proxy's address.
	RemoteAddr, RemotePort string
	// URLScheme is wsgi.url_scheme: the scheme of the last hop.
	URLScheme string
	// HTTPHost is HTTP_HOST: the host the last proxy asked for.
	HTTPHost string
	// ServerName and ServerPort are SERVER_NAME and SERVER_PORT: this
	// server's, as the last proxy reached it.
	ServerName, ServerPort string
	// ScriptName is SCRIPT_NAME before the forwarded prefix.
	ScriptName string
}

// apply writes fw into env, keeping what it replaces under OriginalKey.
// The scheme goes first, since the default port of a host without one
// depends on it.
func apply(env *wsgiref.Environ, fw *forwarding) {
	if !fw.addr.IsValid() && fw.scheme == "" && fw.host == "" && fw.port == "" && !fw.hasPrefix {
		return
	}
	env.SetExtension(OriginalKey, &Original{
		RemoteAddr: env.Get("REMOTE_ADDR"), RemotePort: env.Get("REMOTE_PORT"),
		URLScheme: env.Get(wsgiref.URLSchemeKey), HTTPHost: env.Get("HTTP_HOST"),
		ServerName: env.Get("SERVER_NAME"), ServerPort: env.Get("SERVER_PORT"),
		ScriptName: env.Get("SCRIPT_NAME"),
	})
	if fw.addr.IsValid() {
		env.Set("REMOTE_ADDR", addrString(fw.addr, fw.addrText))
		if fw.remotePort != "" {
			env.Set("REMOTE_PORT", fw.remotePort)
		} else {
			env.Del("REMOTE_PORT") // it was the proxy's
		}
	}
	if fw.scheme != "" {
		env.Set(wsgiref.URLSchemeKey, fw.scheme)
	}
	if fw.host != "" {
		env.Set("HTTP_HOST", fw.host)
		env.Set("SERVER_NAME", fw.hostName)
		switch {
		case fw.hostPort != "":
			env.Set("SERVER_PORT", fw.hostPort)
		case env.Get(wsgiref.URLSchemeKey) == "https":
			env.Set("SERVER_PORT", "443")
		default:
			env.Set("SERVER_PORT", "80")
		}
	}
	if fw.port != "" {
		env.Set("SERVER_PORT", fw.port)
		if h, ok := env.Lookup("HTTP_HOST"); ok {
			env.Set("HTTP_HOST", hostWithoutPort(h)+":"+fw.port)
		}
	}
	if fw.hasPrefix {
		env.Set("SCRIPT_NAME", fw.prefix+env.Get("SCRIPT_NAME"))
	}
}

// hostWithoutPort drops the port of a Host value: "a:80" gives "a",
// "[::1]:80" gives "[::1]", "[::1]" stays.
func hostWithoutPort(h string) string {
	if strings.HasSuffix(h, "]") {
		return h
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		return h[:i]
	}
	return h
}

// addrString returns the text of a, reusing text, the address as the
// field spelled it, when that is already a's canonical form: an IPv4
// address that parsed is one (netip refuses leading zeros), so the common
// case allocates nothing.
func addrString(a netip.Addr, text string) string {
	if a.Is4() && len(text) <= len("255.255.255.255") && !strings.Contains(text, ":") {
		return text
	}
	return a.String()
}
