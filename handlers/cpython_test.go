package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"regexp"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/oracle"
)

// spec describes an application and a handler configuration that both
// CPython's wsgiref.handlers and this package run; their outputs must be
// the same bytes.
type spec struct {
	Origin   bool        `json:"origin"`
	Proto    string      `json:"proto"`
	Method   string      `json:"method"`
	Software string      `json:"software"`
	Status   string      `json:"status"`
	Headers  [][2]string `json:"headers"`
	Writes   []string    `json:"writes"`  // through the write callable
	Blocks   []string    `json:"blocks"`  // the returned body
	Counted  bool        `json:"counted"` // a list (len known) or a generator
	Fail     string      `json:"fail"`    // "", "before" start_response, "after" the body
	NoStart  bool        `json:"nostart"`
}

var specs = []spec{
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Headers: [][2]string{{"Content-Type", "text/plain"}}, Blocks: []string{"Hello, world!"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.1", Software: "Soft/1", Status: "200 OK", Blocks: []string{"a", "b"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "404 Not Found", Headers: [][2]string{{"X", "1"}, {"x", "2"}}, Blocks: []string{"nf"}},
	{Origin: true, Proto: "HTTP/0.9", Status: "200 OK", Blocks: []string{"body"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Software: "S", Status: "200 OK", Headers: [][2]string{{"Server", "Mine"}, {"Date", "D"}}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Writes: []string{"w1", "w2"}, Blocks: []string{"b"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Blocks: []string{"", "x"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Blocks: []string{""}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Headers: [][2]string{{"Content-Length", "5"}}, Blocks: []string{"12345"}},
	{Origin: true, Proto: "HTTP/1.0", Fail: "before"},
	{Origin: true, Proto: "HTTP/1.0", Software: "S", Status: "200 OK", Writes: []string{"partial"}, Fail: "after"},
	{Origin: true, Proto: "HTTP/1.0", NoStart: true, Blocks: []string{"x"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200", Blocks: []string{"x"}, Counted: true},
	{Origin: true, Proto: "HTTP/1.0", Status: "200 OK", Headers: [][2]string{{"Connection", "close"}}, Counted: true},
	{Proto: "HTTP/1.0", Status: "200 OK", Headers: [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}, Blocks: []string{"data"}, Counted: true},
	{Proto: "HTTP/1.1", Method: "HEAD", Status: "200 OK", Headers: [][2]string{{"Content-Length", "12345"}}, Counted: true},
	{Proto: "HTTP/0.9", Status: "302 Found", Headers: [][2]string{{"Location", "/x"}}, Blocks: []string{"a", "b", "c"}},
	{Proto: "HTTP/1.0", Fail: "before"},
	{Proto: "HTTP/1.0", Status: "200 OK", Blocks: []string{"x", "y"}, Fail: "after", Counted: true},
	{Proto: "HTTP/1.0", Status: "20X OK", Counted: true},
	{Proto: "HTTP/1.0", Status: "200 OK", Headers: [][2]string{{"Keep-Alive", "5"}}, Counted: true},
	{Proto: "HTTP/1.0", Status: "200 OK", Writes: []string{"\xe9\x00"}, Blocks: []string{"\xff"}},
}

const pyHandlers = `
import json, sys, io
from wsgiref.handlers import SimpleHandler, BaseCGIHandler
out = []
for s in json.load(sys.stdin):
    def app(environ, start_response, s=s):
        if s["fail"] == "before":
            raise RuntimeError("boom")
        if not s["nostart"]:
            w = start_response(s["status"], [tuple(h) for h in (s["headers"] or [])])
            for d in s["writes"] or []:
                w(d.encode("latin-1"))
        blocks = [b.encode("latin-1") for b in (s["blocks"] or [])]
        if s["fail"] == "after":
            def gen():
                yield from blocks
                raise RuntimeError("boom")
            return gen()
        if s["counted"]:
            return blocks
        return iter(blocks)
    env = {"SERVER_PROTOCOL": s["proto"], "REQUEST_METHOD": s["method"] or "GET"}
    o, e = io.BytesIO(), io.StringIO()
    cls = SimpleHandler if s["origin"] else BaseCGIHandler
    h = cls(io.BytesIO(), o, e, env)
    h.os_environ = {}
    h.server_software = s["software"] or None
    h.run(app)
    out.append(o.getvalue().decode("latin-1"))
json.dump(out, sys.stdout)
`

func (s spec) app() wsgiref.AppFunc {
	return func(e *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if s.Fail == "before" {
			return nil, errors.New("boom")
		}
		if !s.NoStart {
			h := headers.Headers{}
			for _, f := range s.Headers {
				h.Add(f[0], f[1])
			}
			w, err := start(s.Status, h)
			if err != nil {
				return nil, err
			}
			for _, d := range s.Writes {
				if err := w([]byte(d)); err != nil {
					return nil, err
				}
			}
		}
		blocks := make([][]byte, len(s.Blocks))
		for i, b := range s.Blocks {
			blocks[i] = []byte(b)
		}
		if s.Fail == "after" {
			return wsgiref.FromSeq(func(yield func([]byte, error) bool) {
				for _, b := range blocks {
					if !yield(b, nil) {
						return
					}
				}
				yield(nil, errors.New("boom"))
			}), nil
		}
		if s.Counted {
			return wsgiref.Blocks(blocks...), nil
		}
		return &countless{wsgiref.Blocks(blocks...)}, nil
	}
}

// latin1 turns bytes into the string JSON carries as Latin-1 characters.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func latin1Bytes(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

var dateLineRE = regexp.MustCompile(`\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

// TestSameBytesAsCPythonHandlers runs each spec under CPython's
// SimpleHandler or BaseCGIHandler and under Handler with the same
// configuration (HTTP/1.0, no keep-alive: CPython's defaults) and compares
// the responses byte for byte, the generated Date excepted.
func TestSameBytesAsCPythonHandlers(t *testing.T) {
	py := oracle.Python(t)
	wire := make([]spec, len(specs))
	for i, s := range specs {
		wire[i] = s
		wire[i].Writes, wire[i].Blocks = nil, nil
		for _, w := range s.Writes {
			wire[i].Writes = append(wire[i].Writes, latin1([]byte(w)))
		}
		for _, b := range s.Blocks {
			wire[i].Blocks = append(wire[i].Blocks, latin1([]byte(b)))
		}
	}
	in, _ := json.Marshal(wire)
	cmd := exec.Command(py, "-c", pyHandlers)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		env := &wsgiref.Environ{}
		env.Set("SERVER_PROTOCOL", s.Proto)
		method := s.Method
		if method == "" {
			method = "GET"
		}
		env.Set("REQUEST_METHOD", method)
		var buf bytes.Buffer
		var h *Handler
		if s.Origin {
			h = NewSimpleHandler(bytes.NewReader(nil), &buf, io.Discard, env, true, false)
		} else {
			h = NewBaseCGIHandler(bytes.NewReader(nil), &buf, io.Discard, env, true, false)
		}
		h.ServerSoftware = s.Software
		h.Run(s.app())
		got := dateLineRE.ReplaceAllString(buf.String(), "\r\nDate: -\r\n")
		w := dateLineRE.ReplaceAllString(latin1Bytes(want[i]), "\r\nDate: -\r\n")
		if got != w {
			t.Errorf("spec %d %+v:\n     Go %q\nCPython %q", i, s, got, w)
		}
	}
}
