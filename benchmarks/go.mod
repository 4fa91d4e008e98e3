module github.com/gowsgi/wsgiref/benchmarks

go 1.26.0

require (
	github.com/go-chi/chi/v5 v5.2.3
	github.com/gowsgi/wsgiref v0.0.0
	github.com/julienschmidt/httprouter v1.3.0
	github.com/valyala/fasthttp v1.66.0
)

require (
	github.com/andybalholm/brotli v1.2.0 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/gowsgi/wsgiref => ../
