package routing_test

import (
	"fmt"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/routing"
)

// A walk by hand: what a generated router does for GET /users/gopher/keys/
// with a route "GET /users/:user/keys/".
func Example() {
	env := new(wsgiref.Environ)
	env.Set("REQUEST_METHOD", "GET")
	env.Set("SCRIPT_NAME", "")
	env.Set("PATH_INFO", "/users/gopher/keys/")

	p, method := routing.Begin(env)
	i := p.Start()
	var segs []string
	for {
		seg, next, ok := p.Next(i)
		i = next
		if !ok {
			break
		}
		segs = append(segs, seg)
	}
	fmt.Printf("%s %q\n", method, segs)

	// The route matched: commit the walk and capture the parameter.
	var cache routing.ArgsCache
	p.Commit(env, i)
	cache.Capture(env, []string{"user"}, segs[1])

	fmt.Printf("SCRIPT_NAME=%q PATH_INFO=%q\n", env.Get("SCRIPT_NAME"), env.Get("PATH_INFO"))
	args := routing.ArgsOf(env)
	fmt.Println(args.Get("user"), args.Positional())
	// Output:
	// GET ["users" "gopher" "keys" ""]
	// SCRIPT_NAME="/users/gopher/keys/" PATH_INFO=""
	// gopher [gopher]
}

// An application behind a generated router reads its parameters with the
// typed accessors.
func ExampleArgs_Int() {
	env := new(wsgiref.Environ)
	var cache routing.ArgsCache
	cache.Capture(env, []string{"owner", "number"}, "gowsgi", "42")

	args := routing.ArgsOf(env)
	n, err := args.Int("number")
	fmt.Println(args.Get("owner"), n, err)
	_, err = args.Int("owner")
	fmt.Println(err)
	// Output:
	// gowsgi 42 <nil>
	// routing: routing arg owner="gowsgi": strconv.Atoi: parsing "gowsgi": invalid syntax
}
