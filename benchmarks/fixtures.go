package benchmarks

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gowsgi/wsgiref/headers"
	"github.com/valyala/fasthttp"
)

//go:embed testdata/fixtures.json
var fixturesJSON []byte

// Fixtures are the inputs every contender gets: a realistic response
// header list, the names the header operations use, and a realistic
// request. They come from testdata/fixtures.json so that the CPython
// script measures exactly the same work.
type Fixtures struct {
	// ResponseHeaders are ten name/value pairs, Set-Cookie twice.
	ResponseHeaders [][2]string `json:"response_headers"`
	// GetFirst is the lower-case name of the first field.
	GetFirst string `json:"get_first"`
	// GetLast is the lower-case name of the last field.
	GetLast string `json:"get_last"`
	// SetName and SetValue replace an existing field.
	SetName  string `json:"set_name"`
	SetValue string `json:"set_value"`
	// GetAll is the lower-case name of the repeated field.
	GetAll string `json:"get_all"`
	// Request is a GET with ten headers, a query string and a path of
	// five segments.
	Request RequestFixture `json:"request"`
}

// RequestFixture describes the request of the environ and URI
// benchmarks.
type RequestFixture struct {
	Method     string      `json:"method"`
	Target     string      `json:"target"`
	Proto      string      `json:"proto"`
	RemoteAddr string      `json:"remote_addr"`
	ServerName string      `json:"server_name"`
	ServerPort string      `json:"server_port"`
	Headers    [][2]string `json:"headers"`
}

// Load decodes the embedded fixtures. It fails only if the embedded file
// is broken, which the tests catch.
func Load() (*Fixtures, error) {
	var f Fixtures
	if err := json.Unmarshal(fixturesJSON, &f); err != nil {
		return nil, fmt.Errorf("benchmarks: testdata/fixtures.json: %w", err)
	}
	return &f, nil
}

// Ours returns the response headers as our headers.Headers, with spare
// capacity so that Set does not grow the list.
func (f *Fixtures) Ours() headers.Headers {
	h := make(headers.Headers, 0, len(f.ResponseHeaders)+2)
	for _, kv := range f.ResponseHeaders {
		h.Add(kv[0], kv[1])
	}
	return h
}

// NetHTTP returns the response headers as a net/http Header.
func (f *Fixtures) NetHTTP() http.Header {
	h := make(http.Header, len(f.ResponseHeaders))
	for _, kv := range f.ResponseHeaders {
		h.Add(kv[0], kv[1])
	}
	return h
}

// FastHTTP fills a fasthttp ResponseHeader with the response headers.
// fasthttp keeps Content-Type, Content-Length, Server and Set-Cookie in
// fields of their own; that is part of how it is fast, so it stays.
func (f *Fixtures) FastHTTP(h *fasthttp.ResponseHeader) {
	h.Reset()
	for _, kv := range f.ResponseHeaders {
		h.Add(kv[0], kv[1])
	}
}

// RawRequest returns the request as it travels on the wire.
func (f *Fixtures) RawRequest() string {
	var b strings.Builder
	r := f.Request
	fmt.Fprintf(&b, "%s %s %s\r\n", r.Method, r.Target, r.Proto)
	for _, kv := range r.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", kv[0], kv[1])
	}
	b.WriteString("\r\n")
	return b.String()
}

// HTTPRequest parses the request with net/http, as a server would receive
// it, and sets its remote address.
func (f *Fixtures) HTTPRequest() (*http.Request, error) {
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(f.RawRequest())))
	if err != nil {
		return nil, fmt.Errorf("benchmarks: parsing the fixture request: %w", err)
	}
	r.RemoteAddr = f.Request.RemoteAddr
	return r, nil
}
