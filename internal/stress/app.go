package stress

import (
	"bytes"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// MaxBody is the largest request or response body the traffic uses.
const MaxBody = 64 << 10

// patternSeed fixes the bytes of [Pattern], so that client and server agree
// on them without talking.
const patternSeed = 0x5eed_b0d1e5

// Pattern is the pseudo-random block every GET body and every POST body is
// cut from: a body is Pattern[off:off+n]. Slicing a shared block lets the
// server answer and the client verify 64 KiB bodies at memcmp speed, so the
// long run measures the server rather than a byte generator.
var Pattern = makePattern()

func makePattern() []byte {
	r := rand.New(rand.NewPCG(patternSeed, patternSeed))
	b := make([]byte, 2*MaxBody)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// Castagnoli is the CRC-32C table of the checksum header.
var Castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header names of the echo application's answers to a POST.
const (
	HeaderCRC    = "X-Body-Crc32c" // CRC-32C of the body the app read, 8 hex digits
	HeaderLength = "X-Body-Length" // bytes the app read
)

// EchoApp is the application under load. GET /get/<off>/<n> answers
// Pattern[off:off+n]; POST /echo reads wsgi.input to the end and answers
// the bytes it read with their length and CRC-32C in headers. A query
// string "chunked" splits the answer into three blocks, so that the server
// frames it with chunked encoding instead of a Content-Length. Anything
// else is 404. Served counts the responses the application started.
type EchoApp struct {
	Served atomic.Int64
	bufs   sync.Pool
}

// ServeWSGI answers one request as the type's doc says.
func (a *EchoApp) ServeWSGI(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	path := env.Get("PATH_INFO")
	chunked := env.Get("QUERY_STRING") == "chunked"
	switch {
	case env.Get("REQUEST_METHOD") == "GET" && strings.HasPrefix(path, "/get/"):
		body, ok := patternSlice(path[len("/get/"):])
		if !ok {
			return a.notFound(start)
		}
		if _, err := start("200 OK", headers.New("Content-Type", "application/octet-stream")); err != nil {
			return nil, err
		}
		a.Served.Add(1)
		return &echoBody{blocks: split(body, chunked)}, nil
	case env.Get("REQUEST_METHOD") == "POST" && path == "/echo":
		return a.echo(env, start, chunked)
	}
	return a.notFound(start)
}

func (a *EchoApp) echo(env *wsgiref.Environ, start wsgiref.StartResponse, chunked bool) (wsgiref.Body, error) {
	buf := a.buffer()
	w := bytes.NewBuffer((*buf)[:0])
	if _, err := w.ReadFrom(env.Input); err != nil {
		a.bufs.Put(buf)
		return nil, err
	}
	*buf = w.Bytes()
	h := headers.New("Content-Type", "application/octet-stream",
		HeaderLength, strconv.Itoa(len(*buf)),
		HeaderCRC, crcHex(crc32.Checksum(*buf, Castagnoli)))
	if _, err := start("200 OK", h); err != nil {
		a.bufs.Put(buf)
		return nil, err
	}
	a.Served.Add(1)
	return &echoBody{blocks: split(*buf, chunked), buf: buf, pool: &a.bufs}, nil
}

// buffer returns a pooled buffer with room for the largest body, so that
// reading one allocates nothing under load.
func (a *EchoApp) buffer() *[]byte {
	if b, ok := a.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, MaxBody+512)
	return &b
}

func (a *EchoApp) notFound(start wsgiref.StartResponse) (wsgiref.Body, error) {
	if _, err := start("404 Not Found", headers.New("Content-Type", "text/plain")); err != nil {
		return nil, err
	}
	a.Served.Add(1)
	return wsgiref.Strings("not found\n"), nil
}

// patternSlice parses "<off>/<n>" into Pattern[off:off+n].
func patternSlice(s string) ([]byte, bool) {
	o, n, ok := strings.Cut(s, "/")
	off, err1 := strconv.Atoi(o)
	size, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || off < 0 || size < 0 || size > MaxBody || off+size > len(Pattern) {
		return nil, false
	}
	return Pattern[off : off+size], true
}

// split returns b as one block, or as three when chunked: a single block
// gets a Content-Length (set_content_length's rule), several do not.
func split(b []byte, chunked bool) [][]byte {
	if !chunked {
		return [][]byte{b}
	}
	third := len(b) / 3
	return [][]byte{b[:third], b[third : 2*third], b[2*third:]}
}

// crcHex formats a CRC as eight lowercase hex digits.
func crcHex(c uint32) string {
	s := strconv.FormatUint(uint64(c), 16)
	return strings.Repeat("0", 8-len(s)) + s
}

// echoBody is a response body whose buffer goes back to the pool when the
// handler closes it.
type echoBody struct {
	blocks [][]byte
	next   int
	buf    *[]byte
	pool   *sync.Pool
}

// Next returns the next block, or io.EOF after the last.
func (b *echoBody) Next() ([]byte, error) {
	if b.next >= len(b.blocks) {
		return nil, io.EOF
	}
	b.next++
	return b.blocks[b.next-1], nil
}

// Blocks returns the number of blocks, for the Content-Length rule.
func (b *echoBody) Blocks() int { return len(b.blocks) }

// Close returns the buffer to the pool: the handler has written the body.
func (b *echoBody) Close() error {
	if b.pool != nil {
		b.pool.Put(b.buf)
		b.pool, b.buf = nil, nil
	}
	return nil
}
