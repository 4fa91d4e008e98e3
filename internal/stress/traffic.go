package stress

import (
	"bufio"
	"math/rand/v2"
	"strconv"
)

// Kind is the shape of a request in the traffic mix.
type Kind uint8

// The kinds of request the driver sends.
const (
	KindGet         Kind = iota // GET of a Pattern slice
	KindPostLength              // POST /echo with a Content-Length body
	KindPostChunked             // POST /echo with a chunked body
)

// Request is one request of the mix: what to send and, from the same
// fields, what the answer must be.
type Request struct {
	Kind         Kind
	Off, Size    int  // the body, sent or expected: Pattern[Off:Off+Size]
	ChunkedReply bool // ask the app for a multi-block answer (chunked framing)
	Expect       bool // send "Expect: 100-continue" and wait for 100 before the body
	Chunks       int  // chunks of a KindPostChunked body
}

// Body returns the body the request sends (POST) or expects back (all).
func (r Request) Body() []byte { return Pattern[r.Off : r.Off+r.Size] }

// NextRequest draws a request. Sizes are skewed the way real traffic is:
// many empty and small bodies, a tail up to [MaxBody], so that one run
// covers empty bodies, bodies inside one buffer and bodies spanning many
// reads and writes.
func NextRequest(r *rand.Rand) Request {
	req := Request{Kind: Kind(r.IntN(3)), Size: drawSize(r), ChunkedReply: r.IntN(4) == 0}
	req.Off = r.IntN(len(Pattern) - req.Size + 1)
	switch req.Kind {
	case KindPostLength:
		req.Expect = req.Size > 0 && r.IntN(16) == 0
	case KindPostChunked:
		req.Chunks = 1 + r.IntN(4)
	}
	return req
}

func drawSize(r *rand.Rand) int {
	switch p := r.IntN(100); {
	case p < 10:
		return 0
	case p < 70:
		return 1 + r.IntN(1024)
	case p < 90:
		return 1 + r.IntN(8<<10)
	default:
		return 1 + r.IntN(MaxBody)
	}
}

// writeHead writes the request line and header block.
func writeHead(w *bufio.Writer, req Request) {
	if req.Kind == KindGet {
		w.WriteString("GET /get/")
		w.WriteString(strconv.Itoa(req.Off))
		w.WriteByte('/')
		w.WriteString(strconv.Itoa(req.Size))
	} else {
		w.WriteString("POST /echo")
	}
	if req.ChunkedReply {
		w.WriteString("?chunked")
	}
	w.WriteString(" HTTP/1.1\r\nHost: stress.test\r\n")
	switch req.Kind {
	case KindPostLength:
		w.WriteString("Content-Type: application/octet-stream\r\nContent-Length: ")
		w.WriteString(strconv.Itoa(req.Size))
		w.WriteString("\r\n")
		if req.Expect {
			w.WriteString("Expect: 100-continue\r\n")
		}
	case KindPostChunked:
		w.WriteString("Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n")
	}
	w.WriteString("\r\n")
}

// writeBody writes the request body in the request's framing.
func writeBody(w *bufio.Writer, req Request) {
	body := req.Body()
	switch req.Kind {
	case KindPostLength:
		w.Write(body)
	case KindPostChunked:
		step := max(1, (len(body)+req.Chunks-1)/req.Chunks)
		for len(body) > 0 {
			n := min(step, len(body))
			w.WriteString(strconv.FormatInt(int64(n), 16))
			w.WriteString("\r\n")
			w.Write(body[:n])
			w.WriteString("\r\n")
			body = body[n:]
		}
		w.WriteString("0\r\n\r\n")
	}
}
