package benchmarks

// The peers, imported here so the module keeps them in go.mod while the
// benchmark files grow. fasthttp is pinned to v1.66.0: later versions pull
// a dependency the module proxy does not serve.
import (
	_ "github.com/go-chi/chi/v5"
	_ "github.com/julienschmidt/httprouter"
	_ "github.com/valyala/fasthttp"
)
