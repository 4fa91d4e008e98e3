// Package gatewaytest runs every gateway of the module behind its real
// front end: nginx scgi_pass and uwsgi_pass, lighttpd mod_scgi (in SCGI and
// uwsgi), and nginx proxy_pass to simpleserver. The front ends run the
// location blocks of the README, read from it, so that the documentation
// is what the tests prove. It holds tests only.
package gatewaytest
