package fileswrap_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fileswrap"
)

// A FileWrapper is a wsgiref.Body, and New fits wsgi.file_wrapper through a
// one-line closure.
var (
	_ wsgiref.Body            = (*fileswrap.FileWrapper)(nil)
	_ io.Closer               = (*fileswrap.FileWrapper)(nil)
	_ io.WriterTo             = (*fileswrap.FileWrapper)(nil)
	_ wsgiref.FileWrapperFunc = func(r io.Reader, n int) wsgiref.Body { return fileswrap.New(r, n) }
)

// closeTracker is a reader that records Close, as Python's StringIO
// records closed.
type closeTracker struct {
	io.Reader
	closed int
}

func (c *closeTracker) Close() error { c.closed++; return nil }

func blocks(t *testing.T, w *fileswrap.FileWrapper) []string {
	t.Helper()
	var got []string
	for {
		b, err := w.Next()
		if err == io.EOF {
			if b != nil {
				t.Errorf("io.EOF came with data %q", b)
			}
			return got
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got = append(got, string(b))
	}
}

// Ported from CPython's testFileWrapper (checkFW): blocks of the size
// asked, the file still open after iterating, closed by Close.
func TestFileWrapperCPython(t *testing.T) {
	r := &closeTracker{Reader: strings.NewReader(strings.Repeat("xyz", 50))}
	w := fileswrap.New(r, 120)
	got := blocks(t, w)
	want := []string{strings.Repeat("xyz", 40), strings.Repeat("xyz", 10)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("blocks %q, want %q", got, want)
	}
	if r.closed != 0 {
		t.Error("closed by iterating")
	}
	if err := w.Close(); err != nil || r.closed != 1 {
		t.Errorf("Close: %v, closed %d times", err, r.closed)
	}
	if err := w.Close(); err != nil || r.closed != 1 {
		t.Errorf("second Close: %v, closed %d times", err, r.closed)
	}
}

func TestFileWrapperBlocks(t *testing.T) {
	for _, tt := range []struct {
		size, blksize int
		reader        func(io.Reader) io.Reader
		want          []int
	}{
		{0, 0, nil, nil},
		{1, 0, nil, []int{1}},
		{8192, 0, nil, []int{8192}},
		{8193, 0, nil, []int{8192, 1}},
		{8193, -1, nil, []int{8192, 1}},
		{10, 5, nil, []int{5, 5}},
		{11, 5, nil, []int{5, 5, 1}},
		{11, 1, nil, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		// Short reads still fill the blocks, as a buffered Python file does.
		{11, 5, iotest.OneByteReader, []int{5, 5, 1}},
		{20000, 8192, iotest.HalfReader, []int{8192, 8192, 3616}},
		// A reader returning data together with io.EOF.
		{11, 5, iotest.DataErrReader, []int{5, 5, 1}},
	} {
		data := make([]byte, tt.size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		var r io.Reader = bytes.NewReader(data)
		if tt.reader != nil {
			r = tt.reader(r)
		}
		w := fileswrap.New(r, tt.blksize)
		var sizes []int
		var all []byte
		for _, b := range blocks(t, w) {
			sizes = append(sizes, len(b))
			all = append(all, b...)
		}
		if fmt.Sprint(sizes) != fmt.Sprint(tt.want) || !bytes.Equal(all, data) {
			t.Errorf("size %d blksize %d: blocks %v (bytes equal %v), want %v",
				tt.size, tt.blksize, sizes, bytes.Equal(all, data), tt.want)
		}
		if _, err := w.Next(); err != io.EOF {
			t.Errorf("Next after the end: %v", err)
		}
	}
}

// Blocks are fresh slices: keeping one does not let the next overwrite it.
func TestFileWrapperBlocksAreKept(t *testing.T) {
	w := fileswrap.New(strings.NewReader("aaaabbbb"), 4)
	first, _ := w.Next()
	second, _ := w.Next()
	if string(first) != "aaaa" || string(second) != "bbbb" {
		t.Errorf("blocks %q %q", first, second)
	}
}

var errBroken = errors.New("disk on fire")

// A read error comes after the bytes read before it: nothing is lost.
func TestFileWrapperReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader("0123456"), iotest.ErrReader(errBroken))
	w := fileswrap.New(r, 5)
	for _, want := range []struct {
		data string
		err  error
	}{{"01234", nil}, {"56", nil}, {"", errBroken}, {"", errBroken}} {
		b, err := w.Next()
		if string(b) != want.data || err != want.err {
			t.Errorf("Next = %q, %v; want %q, %v", b, err, want.data, want.err)
		}
	}
	if n, err := w.WriteTo(io.Discard); n != 0 || err != errBroken {
		t.Errorf("WriteTo after the error = %d, %v", n, err)
	}
}

func TestFileWrapperNilReader(t *testing.T) {
	w := fileswrap.New(nil, 0)
	if b, err := w.Next(); b != nil || err != io.EOF {
		t.Errorf("Next = %q, %v", b, err)
	}
	if n, err := w.WriteTo(io.Discard); n != 0 || err != nil {
		t.Errorf("WriteTo = %d, %v", n, err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if w.BlockSize() != fileswrap.DefaultBlockSize {
		t.Errorf("BlockSize = %d", w.BlockSize())
	}
}

// Close reports the reader's error; a reader that cannot close is fine.
func TestFileWrapperClose(t *testing.T) {
	if err := fileswrap.New(strings.NewReader("x"), 0).Close(); err != nil {
		t.Errorf("Close of a non-closer: %v", err)
	}
	f := tempFile(t, []byte("x"))
	w := fileswrap.New(f, 0)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("file still open: read gave %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// WriteTo after Next sends only what Next has not returned.
func TestFileWrapperNextThenWriteTo(t *testing.T) {
	w := fileswrap.New(strings.NewReader("headbody and tail"), 4)
	if b, _ := w.Next(); string(b) != "head" {
		t.Fatalf("Next = %q", b)
	}
	var buf bytes.Buffer
	if n, err := w.WriteTo(&buf); n != 13 || err != nil || buf.String() != "body and tail" {
		t.Errorf("WriteTo = %d, %v, %q", n, err, buf.String())
	}
	if b, err := w.Next(); b != nil || err != io.EOF {
		t.Errorf("Next after WriteTo = %q, %v", b, err)
	}
	if n, err := w.WriteTo(&buf); n != 0 || err != nil {
		t.Errorf("second WriteTo = %d, %v", n, err)
	}
}

// A writer that fails half-way: the one fault a real socket cannot be made
// to produce on demand.
type failingWriter struct{ left int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n := f.left
		f.left = 0
		return n, errBroken
	}
	f.left -= len(p)
	return len(p), nil
}

func TestFileWrapperWriteToError(t *testing.T) {
	w := fileswrap.New(strings.NewReader(strings.Repeat("x", 100)), 0)
	n, err := w.WriteTo(&failingWriter{left: 40})
	if n != 40 || err != errBroken {
		t.Errorf("WriteTo = %d, %v; want 40, %v", n, err, errBroken)
	}
	if _, err := w.Next(); err != errBroken {
		t.Errorf("Next after a failed WriteTo = %v", err)
	}
}

func tempFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// loopback returns the two ends of a real TCP connection on 127.0.0.1.
func loopback(t *testing.T) (client, server *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// receive reads everything from conn into a buffer allocated up front, so
// that it allocates nothing while the sender is measured.
func receive(conn net.Conn, size int) <-chan []byte {
	done := make(chan []byte, 1)
	buf := make([]byte, size+1)
	go func() {
		n := 0
		for n < len(buf) {
			m, err := conn.Read(buf[n:])
			n += m
			if err != nil {
				break
			}
		}
		done <- buf[:n]
	}()
	return done
}

func payload(size int) []byte {
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*31 + i>>8)
	}
	return data
}

// WriteTo moves a file to a real TCP socket; the bytes arrive intact, and
// the sender allocates no copy buffer (io.Copy's fallback allocates 32 KiB),
// which shows that the kernel moved them.
func TestWriteToTCP(t *testing.T) {
	const size = 1 << 20
	data := payload(size)
	for _, tt := range []struct {
		name string
		wrap func(*net.TCPConn) (io.Writer, func() error)
	}{
		{"TCPConn", func(c *net.TCPConn) (io.Writer, func() error) { return c, func() error { return nil } }},
		{"empty bufio.Writer", func(c *net.TCPConn) (io.Writer, func() error) {
			bw := bufio.NewWriter(c)
			return bw, bw.Flush
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, server := loopback(t)
			f := tempFile(t, data)
			got := receive(client, size)
			dst, flush := tt.wrap(server)
			w := fileswrap.New(f, 0)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			n, err := w.WriteTo(dst)
			runtime.ReadMemStats(&after)
			if err == nil {
				err = flush()
			}
			if err != nil || n != size {
				t.Fatalf("WriteTo = %d, %v", n, err)
			}
			server.CloseWrite()
			if b := <-got; !bytes.Equal(b, data) {
				t.Fatalf("received %d bytes, not the file's %d", len(b), size)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc >= 32<<10 && testing.CoverMode() == "" {
				t.Errorf("WriteTo allocated %d bytes: the bytes went through a user-space buffer", alloc)
			}
			if err := w.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestWriteToSendfileStrace runs TestWriteToTCP under strace and checks
// that the kernel was asked to move the file with sendfile(2) or splice(2)
// and that the file was never read into user space with read(2). Only the
// calls between the file's openat and its close count: once closed, its
// descriptor number is reused (under -cover, for the coverage files the
// test binary reads back at exit). It skips without strace or when ptrace
// is not allowed.
func TestWriteToSendfileStrace(t *testing.T) {
	if os.Getenv("FILESWRAP_UNDER_STRACE") != "" {
		t.Skip("already under strace")
	}
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace not installed (apt-get install -y strace)")
		}
		t.Skip("strace not installed")
	}
	out := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-e", "trace=sendfile,splice,read,openat,close", "-o", out,
		os.Args[0], "-test.run=^TestWriteToTCP$/^TCPConn$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FILESWRAP_UNDER_STRACE=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		if bytes.Contains(msg, []byte("--- FAIL")) {
			t.Fatalf("TestWriteToTCP failed under strace:\n%s", msg)
		}
		t.Skipf("strace could not run the test (ptrace not allowed?): %v\n%s", err, msg)
	}
	trace, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fd, sendfile, reads := fileCalls(string(trace), "/body")
	if fd == "" {
		t.Fatalf("no openat of the body file in the trace:\n%s", tail(trace))
	}
	t.Logf("file descriptor %s: %d sendfile/splice calls, %d reads", fd, sendfile, reads)
	if sendfile == 0 || reads != 0 {
		t.Errorf("want sendfile or splice and no read of the file; trace:\n%s", tail(trace))
	}
}

// fileCalls reads an strace -f log and counts, for the file whose path
// ends in suffix, the sendfile/splice calls and the reads made on its
// descriptor while it was open: from each openat that returned it to the
// close of that number. fd is the descriptor of the last open.
//
//	1234 openat(AT_FDCWD, "/tmp/x/body", O_RDONLY|O_CLOEXEC) = 5
//	1234 sendfile(7, 5, NULL, 4194304) = 1048576
//	1234 close(5) = 0
//	1234 read(5, "...", 4096) = 544      (another file now: not counted)
func fileCalls(trace, suffix string) (fd string, sendfile, reads int) {
	open := false
	for _, line := range strings.Split(trace, "\n") {
		switch {
		case !open && strings.Contains(line, "openat(") && strings.Contains(line, suffix+"\""):
			if i := strings.LastIndex(line, "= "); i >= 0 {
				fd, open = strings.TrimSpace(line[i+2:]), true
			}
		case !open:
		case strings.Contains(line, "close("+fd+")") || strings.Contains(line, "close("+fd+" "):
			open = false
		case strings.Contains(line, "sendfile(") && strings.Contains(line, ", "+fd+","),
			strings.Contains(line, "splice("+fd+","):
			sendfile++
		case strings.Contains(line, "read("+fd+","):
			reads++
		}
	}
	return fd, sendfile, reads
}

// TestWriteToSendfileStraceCover runs TestWriteToSendfileStrace in a test
// binary built with -cover, where the coverage runtime reuses the file's
// descriptor number at exit: `go test -cover ./...` must pass too.
func TestWriteToSendfileStraceCover(t *testing.T) {
	if testing.CoverMode() != "" || os.Getenv("FILESWRAP_UNDER_STRACE") != "" {
		t.Skip("already a coverage run")
	}
	if testing.Short() {
		t.Skip("builds the package with -cover")
	}
	if _, err := exec.LookPath("strace"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("strace not installed (apt-get install -y strace)")
		}
		t.Skip("strace not installed")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "test", "-count=1", "-cover", "-v", "-run=^TestWriteToSendfileStrace$", ".")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test -cover: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: TestWriteToSendfileStrace")) {
		t.Fatalf("TestWriteToSendfileStrace did not pass under -cover (skipped?):\n%s", out)
	}
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
