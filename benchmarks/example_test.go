package benchmarks_test

import (
	"fmt"

	"github.com/gowsgi/wsgiref/benchmarks"
)

// The fixtures every contender reads, here as our headers.Headers.
func ExampleLoad() {
	fx, err := benchmarks.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	h := fx.Ours()
	fmt.Println(h.Len(), "fields")
	fmt.Println(fx.GetFirst+":", h.Get(fx.GetFirst))
	fmt.Println(fx.GetAll+":", len(h.GetAll(fx.GetAll)), "values")
	fmt.Println(fx.Request.Method, fx.Request.Target)
	// Output:
	// 10 fields
	// content-type: text/html; charset=utf-8
	// set-cookie: 2 values
	// GET /api/v1/users/42/repos?page=2&per_page=50&sort=updated
}
