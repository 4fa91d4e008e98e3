package http1

import (
	"fmt"
	"strings"
	"testing"
)

// loopReader returns the same request forever, as a kept-alive client
// sending one request after the other would.
type loopReader struct {
	req string
	off int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.req[l.off:])
	l.off = (l.off + n) % len(l.req)
	return n, nil
}

const smallRequest = "GET /hello?name=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"

func benchHead(b *testing.B, req string) {
	r := NewReader(&loopReader{req: req})
	var h Head
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		if err := r.ReadHead(&h, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadHead is the head of a small request read from the buffer,
// the same head each time, as a client polling one URL sends it: the
// memo's case.
func BenchmarkReadHead(b *testing.B) { benchHead(b, smallRequest) }

// BenchmarkReadHeadNew alternates two small heads that differ in the
// request line and in a field value, so that no part repeats the head
// before it: each is parsed and copied.
func BenchmarkReadHeadNew(b *testing.B) {
	other := strings.Replace(strings.Replace(smallRequest, "name=x", "name=y", 1), "bench", "bench2", 1)
	benchHead(b, smallRequest+other)
}

// fieldsRequest has n fields after Host: names the table knows, names it
// does not (the key cache's), or one name repeated.
func fieldsRequest(kind string, n int) string {
	known := []string{"Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "Cookie", "Referer", "Cache-Control", "Origin", "Pragma", "Dnt"}
	var sb strings.Builder
	sb.WriteString("GET /p HTTP/1.1\r\nHost: h\r\n")
	for i := range n {
		switch kind {
		case "known":
			fmt.Fprintf(&sb, "%s: value-%d\r\n", known[i%len(known)], i)
		case "unknown":
			fmt.Fprintf(&sb, "X-Custom-Field-%d: value-%d\r\n", i, i)
		case "repeated":
			fmt.Fprintf(&sb, "X-Repeated: value-%d\r\n", i)
		}
	}
	sb.WriteString("\r\n")
	return sb.String()
}

// BenchmarkReadHeadFields measures the per-field cost at 10, 50 and 100
// fields (issue 15): ns/op divided by the field count should stay flat.
func BenchmarkReadHeadFields(b *testing.B) {
	for _, kind := range []string{"known", "unknown", "repeated"} {
		for _, n := range []int{10, 50, 99} {
			b.Run(fmt.Sprintf("%s/%d", kind, n+1), func(b *testing.B) { benchHead(b, fieldsRequest(kind, n)) })
		}
	}
}

// BenchmarkChunked reads a chunked body of 16 chunks of 1 KiB.
func BenchmarkChunked(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
	for range 16 {
		sb.WriteString("400\r\n" + strings.Repeat("x", 1024) + "\r\n")
	}
	sb.WriteString("0\r\n\r\n")
	req := sb.String()
	r := NewReader(&loopReader{req: req})
	var h Head
	var body Body
	buf := make([]byte, 8192)
	b.SetBytes(16 << 10)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.ReadHead(&h, Limits{}); err != nil {
			b.Fatal(err)
		}
		body.Reset(r, &h, Limits{})
		for {
			_, err := body.Read(buf)
			if err != nil {
				if !body.Done() {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
