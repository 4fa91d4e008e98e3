package gatewaytesting

// NginxVars are the variables nginx sends for a GET with the stock
// scgi_params or uwsgi_params and a browser's headers, as name, value
// pairs after CONTENT_LENGTH: the typical request a reader sees.
var NginxVars = []string{
	"REQUEST_METHOD", "GET", "REQUEST_URI", "/app/items/42?sort=asc&page=2", "QUERY_STRING", "sort=asc&page=2",
	"CONTENT_TYPE", "", "DOCUMENT_URI", "/app/items/42", "DOCUMENT_ROOT", "/usr/share/nginx/html",
	"SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_SCHEME", "http", "REMOTE_ADDR", "127.0.0.1", "REMOTE_PORT", "51234",
	"SERVER_PORT", "8080", "SERVER_NAME", "localhost", "SCRIPT_NAME", "/app", "PATH_INFO", "/items/42",
	"HTTP_HOST", "localhost:8080", "HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
	"HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	"HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.5", "HTTP_ACCEPT_ENCODING", "gzip, deflate, br",
	"HTTP_COOKIE", "session=0123456789abcdef; theme=dark", "HTTP_CONNECTION", "keep-alive",
}

// NginxRequest is the request of [NginxVars] in p's encoding.
func (p Protocol) NginxRequest() []byte { return p.Request("", NginxVars...) }
