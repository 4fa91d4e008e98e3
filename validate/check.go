package validate

import (
	"fmt"
	"io"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// Result is what [Check] saw of one run of an application.
type Result struct {
	// Status is the status of the last start_response call.
	Status string
	// Headers are the fields of the last start_response call.
	Headers headers.Headers
	// Body is everything written: the write callable's data, then the
	// body's blocks.
	Body []byte
	// Violations lists every PEP 3333 violation found, in order.
	Violations []error
	// Warnings lists the warnings, in order.
	Warnings []string
	// Err is the application's own error or panic, if any.
	Err error
}

// Check runs app once under the validator against env, acting as a
// minimal server: it calls the application, reads the whole body and
// closes it. Unlike [Validator] it does not stop at the first violation:
// it records each one and lets the application run on. A nil env is
// replaced by a fresh environ with wsgiutil.SetupTestingDefaults applied.
//
//	res := validate.Check(app, nil)
//	for _, v := range res.Violations { t.Error(v) }
func Check(app wsgiref.App, env *wsgiref.Environ) (res *Result) {
	res = &Result{}
	if env == nil {
		env = &wsgiref.Environ{}
		env.Set("QUERY_STRING", "")
		wsgiutil.SetupTestingDefaults(env)
	}
	m := &Middleware{
		App:     app,
		Warn:    func(_ *wsgiref.Environ, msg string) { res.Warnings = append(res.Warnings, msg) },
		collect: &res.Violations,
	}
	start := func(status string, h headers.Headers, excInfo ...error) (wsgiref.Write, error) {
		res.Status, res.Headers = status, append(headers.Headers(nil), h...)
		return func(data []byte) error {
			res.Body = append(res.Body, data...)
			return nil
		}, nil
	}
	var body wsgiref.Body
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("panic: %v", r)
		}
		if c, ok := body.(io.Closer); ok {
			c.Close()
		}
	}()
	body, res.Err = m.ServeWSGI(env, start)
	if res.Err != nil || body == nil {
		return res
	}
	for {
		data, err := body.Next()
		res.Body = append(res.Body, data...)
		if err == io.EOF {
			break
		}
		if err != nil {
			if !IsViolation(err) {
				res.Err = err
			}
			break
		}
	}
	return res
}
