package validate_test

import (
	"fmt"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/validate"
)

// Check reports every violation of an application in one run.
func ExampleCheck() {
	app := wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		start("200 OK", headers.New("X-Trailing-", "1"))
		return wsgiref.Strings("no content type"), nil
	})
	res := validate.Check(app, nil)
	for _, v := range res.Violations {
		fmt.Println(v)
	}
	// Output:
	// Names may not end in '-' or '_': 'X-Trailing-'
	// No Content-Type header found in headers ([('X-Trailing-', '1')])
}

// Under a server, the validator turns the first violation into an error,
// which the server logs and answers with its error page.
func ExampleValidator() {
	app := validate.Validator(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		if _, err := start("200 OK", headers.New("Status", "200")); err != nil {
			return nil, err
		}
		return wsgiref.Strings("hi"), nil
	}))
	res := validate.Check(app, nil) // any server would do
	fmt.Println(res.Err)
	// Output:
	// The Status header cannot be used; it conflicts with CGI script, and HTTP status is not given through headers (value: '200').
}
