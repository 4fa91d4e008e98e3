package benchmarks

// The router peers, imported here so the module keeps them in go.mod until
// the router benchmarks import them (then this file can go).
import (
	_ "github.com/go-chi/chi/v5"
	_ "github.com/julienschmidt/httprouter"
)
