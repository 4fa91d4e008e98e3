package main

import (
	"net"
	"net/http"
	"strconv"
)

func init() { servers["nethttp"] = serveNetHTTP }

// serveNetHTTP is the plain net/http contender: a handler writing the
// page with an explicit Content-Length, and http.ServeFile for /file.
func serveNetHTTP(ln net.Listener, file string) error {
	length := strconv.Itoa(len(helloBody))
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain"}
		h["Content-Length"] = []string{length}
		w.Write([]byte(helloBody))
	})
	if file != "" {
		mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, file)
		})
	}
	return (&http.Server{Handler: mux}).Serve(ln)
}
