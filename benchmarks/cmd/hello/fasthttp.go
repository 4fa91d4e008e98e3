package main

import (
	"net"

	"github.com/valyala/fasthttp"
)

func init() { servers["fasthttp"] = serveFastHTTP }

// serveFastHTTP is the fasthttp contender: its server with the defaults, a
// handler writing the page (fasthttp sets the Content-Length), and
// fasthttp.ServeFile for /file.
func serveFastHTTP(ln net.Listener, file string) error {
	body := []byte(helloBody)
	return fasthttp.Serve(ln, func(ctx *fasthttp.RequestCtx) {
		if file != "" && string(ctx.Path()) == "/file" {
			fasthttp.ServeFileUncompressed(ctx, file)
			return
		}
		ctx.SetContentType("text/plain")
		ctx.Write(body)
	})
}
