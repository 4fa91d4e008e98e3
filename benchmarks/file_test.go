package benchmarks

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fileswrap"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

const fileSize = 64 << 20

// bigFile writes a 64 MiB file of a non-repeating pattern and returns its
// path and SHA-256.
func bigFile(tb testing.TB) (string, [32]byte) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "64MiB.bin")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.New()
	w := io.MultiWriter(f, sum)
	buf := make([]byte, 1<<20)
	x := uint64(88172645463325252)
	for off := 0; off < fileSize; off += len(buf) {
		for i := 0; i < len(buf); i += 8 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			for j := range 8 {
				buf[i+j] = byte(x >> (8 * j))
			}
		}
		if _, err := w.Write(buf); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, [32]byte(sum.Sum(nil))
}

// fileApp answers every request with the file through wsgi.file_wrapper,
// with a Content-Length so the handler may use sendfile(2).
func fileApp(path string) wsgiref.App {
	st, _ := os.Stat(path)
	size := strconv.FormatInt(st.Size(), 10)
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if _, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "application/octet-stream"}, {Name: "Content-Length", Value: size}}); err != nil {
			f.Close()
			return nil, err
		}
		wrap := env.FileWrapper
		if wrap == nil {
			wrap = func(r io.Reader, blksize int) wsgiref.Body { return fileswrap.New(r, blksize) }
		}
		return wrap(f, 0), nil
	})
}

// fileServers start the two contenders on loopback and return their
// address and a stop function.
var fileServers = []struct {
	who   string
	start func(tb testing.TB, path string) string
}{
	{"wsgiref", func(tb testing.TB, path string) string {
		ln := listen(tb)
		srv, err := simpleserver.MakeServer("127.0.0.1", 0, fileApp(path),
			simpleserver.WithListener(ln), simpleserver.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			tb.Fatal(err)
		}
		go srv.ServeForever()
		tb.Cleanup(func() { srv.Close() })
		return ln.Addr().String()
	}},
	{"nethttp", func(tb testing.TB, path string) string {
		ln := listen(tb)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, path)
		})}
		go srv.Serve(ln)
		tb.Cleanup(func() { srv.Close() })
		return ln.Addr().String()
	}},
}

func listen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// fileClient downloads /file again and again over one keep-alive
// connection.
type fileClient struct {
	conn net.Conn
	br   *bufio.Reader
	req  *http.Request
}

func dialFile(tb testing.TB, addr string) *fileClient {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	req, _ := http.NewRequest("GET", "http://"+addr+"/file", nil)
	return &fileClient{conn: c, br: bufio.NewReaderSize(c, 64<<10), req: req}
}

// get downloads the file into w and returns its length.
func (c *fileClient) get(w io.Writer) (int64, error) {
	if err := c.req.Write(c.conn); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, c.req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	return io.Copy(w, resp.Body)
}

// BenchmarkFile serves a 64 MiB file over loopback: our server's
// wsgi.file_wrapper (the sendfile path) against http.ServeFile. cmd/report
// measures the same download from separate processes, CPython's included.
func BenchmarkFile(b *testing.B) {
	path, _ := bigFile(b)
	for _, s := range fileServers {
		b.Run("64MiB/"+s.who, func(b *testing.B) {
			c := dialFile(b, s.start(b, path))
			b.SetBytes(fileSize)
			b.ReportAllocs()
			for b.Loop() {
				if n, err := c.get(io.Discard); err != nil || n != fileSize {
					b.Fatalf("got %d bytes, %v", n, err)
				}
			}
		})
	}
}

// TestFileAgree downloads the file from each contender twice on one
// connection and checks every byte.
func TestFileAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB downloads")
	}
	path, want := bigFile(t)
	for _, s := range fileServers {
		t.Run(s.who, func(t *testing.T) {
			c := dialFile(t, s.start(t, path))
			for i := range 2 {
				var sum hash.Hash = sha256.New()
				n, err := c.get(sum)
				if err != nil || n != fileSize || [32]byte(sum.Sum(nil)) != want {
					t.Fatalf("download %d: %d bytes, %v, checksum match %v", i+1, n, err, [32]byte(sum.Sum(nil)) == want)
				}
			}
		})
	}
}
