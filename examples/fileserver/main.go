// Command fileserver is the docs' small wsgiref web server: it serves the
// files of a directory (the current one by default) on a port (8000 by
// default), guessing MIME types from file names and answering 404 for
// what is not there.
//
//	go run ./examples/fileserver [path [port]]
//
// Files go out through wsgi.file_wrapper with a Content-Length, so the
// server hands them to the kernel (sendfile(2)) instead of copying them.
//
// Unlike the Python example, which joins PATH_INFO to the directory and so
// serves "/../../etc/passwd" to anyone who asks, the files are opened
// through an os.Root: no path, symbolic link or ".." gets out of the
// directory. It listens on 127.0.0.1 unless -host says otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/simpleserver"
)

// App serves the files under root.
type App struct {
	root *os.Root
}

// ServeWSGI answers GET and HEAD with the file PATH_INFO names; a name
// whose last segment has no "." is a directory and gets its index.html,
// as in the Python example.
func (a App) ServeWSGI(env *wsgiref.Environ, respond wsgiref.StartResponse) (wsgiref.Body, error) {
	name := strings.TrimPrefix(path.Clean("/"+env.Get("PATH_INFO")), "/")
	if name == "" || !strings.Contains(path.Base(name), ".") {
		name = path.Join(name, "index.html")
	}
	f, err := a.root.Open(filepath.FromSlash(name))
	var st fs.FileInfo
	if err == nil {
		st, err = f.Stat()
		if err == nil && !st.Mode().IsRegular() {
			err = fs.ErrNotExist
		}
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		if _, err := respond("404 Not Found", headers.Headers{{Name: "Content-Type", Value: "text/plain"}}); err != nil {
			return nil, err
		}
		return wsgiref.Strings("not found"), nil
	}
	mimeType := mime.TypeByExtension(path.Ext(name))
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	if _, err := respond("200 OK", headers.Headers{
		{Name: "Content-Type", Value: mimeType},
		{Name: "Content-Length", Value: strconv.FormatInt(st.Size(), 10)},
	}); err != nil {
		f.Close()
		return nil, err
	}
	if env.FileWrapper == nil { // a server without wsgi.file_wrapper
		return &wsgiref.ClosingBody{Body: wsgiref.FromSeq(readAll(f)), CloseFunc: f.Close}, nil
	}
	return env.FileWrapper(f, 0), nil
}

func readAll(f *os.File) func(yield func([]byte, error) bool) {
	return func(yield func([]byte, error) bool) {
		for {
			b := make([]byte, 8192)
			n, err := f.Read(b)
			if n > 0 && !yield(b[:n], nil) {
				return
			}
			if err != nil {
				return
			}
		}
	}
}

func main() {
	host := flag.String("host", "127.0.0.1", `interface to listen on ("" for all)`)
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: fileserver [-host addr] [path [port]]")
		flag.PrintDefaults()
	}
	flag.Parse()
	dir, port := ".", 8000
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	} else if wd, err := os.Getwd(); err == nil {
		dir = wd
	}
	if flag.NArg() > 1 {
		p, err := strconv.Atoi(flag.Arg(1))
		if err != nil {
			fmt.Fprintf(os.Stderr, "fileserver: bad port %q\n", flag.Arg(1))
			os.Exit(2)
		}
		port = p
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fileserver:", err)
		os.Exit(1)
	}
	httpd, err := simpleserver.MakeServer(*host, port, App{root})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fileserver:", err)
		os.Exit(1)
	}
	fmt.Printf("Serving %s on port %d, control-C to stop\n", dir, httpd.ServerPort())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	go func() {
		<-stop
		fmt.Println("Shutting down.")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		httpd.Shutdown(ctx)
	}()
	if err := httpd.ServeForever(); !errors.Is(err, simpleserver.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "fileserver:", err)
		os.Exit(1)
	}
}
