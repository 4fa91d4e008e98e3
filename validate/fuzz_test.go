package validate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gowsgi/wsgiref/headers"
)

// FuzzChecks runs the status and header checks on arbitrary input: they
// never panic, a status they accept has a three-digit code of at least 100,
// and every message is valid UTF-8 without a raw control character (repr
// escapes them), so a log line stays one line.
func FuzzChecks(f *testing.F) {
	f.Add("200 OK", "Content-Type", "text/plain")
	f.Add("20X", "X\n", "a\x00b")
	f.Add(" 099 x", "Status", "\x80\xff'\"")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, status, name, value string) {
		h := headers.Headers{{Name: name, Value: value}}
		errs, warns := CheckStatus(status)
		if len(errs) == 0 {
			code := statusCode(status)
			if n, ok := pyInt(code); !ok || n < 100 || len(code) != 3 {
				t.Fatalf("accepted status %q", status)
			}
			errs = append(errs, CheckContentType(status, h)...)
		}
		errs = append(errs, CheckHeaders(h)...)
		msgs := warns
		for _, e := range errs {
			msgs = append(msgs, e.Message)
		}
		for _, m := range msgs {
			if !utf8.ValidString(m) || strings.ContainsAny(m, "\r\n\x00") {
				t.Fatalf("message %q", m)
			}
		}
	})
}
