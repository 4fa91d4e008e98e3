package simpleserver

import (
	"context"
	"net"
	"os"
	"strings"
	"time"
)

// fqdnTimeout bounds the name lookups of getFQDN, so a machine without
// working DNS still starts a server quickly.
const fqdnTimeout = 2 * time.Second

// getFQDN is Python's socket.getfqdn, which CPython's HTTPServer.server_bind
// uses for SERVER_NAME: the host's name from the address (the machine's own
// name for "" and the wildcard addresses), the first of its names holding a
// dot, else its first name; the input itself when nothing resolves.
func getFQDN(host string) string {
	name := strings.TrimSpace(host)
	if name == "" || name == "0.0.0.0" || name == "::" {
		h, err := os.Hostname()
		if err != nil {
			return name
		}
		name = h
	}
	ctx, cancel := context.WithTimeout(context.Background(), fqdnTimeout)
	defer cancel()
	addr := name
	if net.ParseIP(name) == nil {
		addrs, err := net.DefaultResolver.LookupHost(ctx, name)
		if err != nil || len(addrs) == 0 {
			return name
		}
		addr = addrs[0]
	}
	names, err := net.DefaultResolver.LookupAddr(ctx, addr)
	if err != nil || len(names) == 0 {
		return name
	}
	for i := range names {
		names[i] = strings.TrimSuffix(names[i], ".")
	}
	for _, n := range names {
		if strings.Contains(n, ".") {
			return n
		}
	}
	return names[0]
}
