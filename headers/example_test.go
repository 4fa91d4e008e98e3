package headers_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/gowsgi/wsgiref/headers"
)

// A response's headers: set replaces every field of the name at the end of
// the list, add_header renders MIME parameters, and the list serialises to
// the bytes of a header block.
func Example() {
	h := headers.New("Content-Type", "text/plain", "X-Trace", "1")
	h.Add("Set-Cookie", "a=1")
	h.Add("Set-Cookie", "b=2")
	h.Set("content-type", "text/html")
	h.AddHeader("Content-Disposition", "attachment", headers.Param{Name: "filename", Value: "bud.gif"})
	fmt.Println(h.Get("CONTENT-TYPE"), h.GetAll("set-cookie"), h.Has("x-missing"))
	if err := h.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	// The block ends each line with CRLF; shown here with LF.
	os.Stdout.WriteString(strings.ReplaceAll(h.String(), "\r\n", "\n"))
	// Output:
	// text/html [a=1 b=2] false
	// X-Trace: 1
	// Set-Cookie: a=1
	// Set-Cookie: b=2
	// content-type: text/html
	// Content-Disposition: attachment; filename="bud.gif"
}

// Parameters render as CPython's add_header renders them; a non-ASCII value
// takes RFC 8187's extended form.
func ExampleHeaders_AddHeader() {
	var h headers.Headers
	h.AddHeader("foo", "bar", headers.Param{Name: "baz", Value: "spam"}, headers.Param{Name: "cheese"})
	h.AddHeader("Content-Type", "text/plain", headers.Param{Name: "charset", Value: "utf-8"})
	h.AddHeader("Content-Disposition", "attachment", headers.Param{Name: "file_name", Value: "Übersicht.pdf"})
	fmt.Print(strings.ReplaceAll(h.String(), "\r\n", "\n"))
	// Output:
	// foo: bar; baz="spam"; cheese
	// Content-Type: text/plain; charset="utf-8"
	// Content-Disposition: attachment; file-name*=UTF-8''%C3%9Cbersicht.pdf
}

// Validate refuses what would split a header block: a value with CR or LF
// (header injection) or a name that is not a token.
func ExampleHeaders_Validate() {
	h := headers.New("Location", "/next\r\nSet-Cookie: admin=1")
	fmt.Println(h.Validate())
	// Output:
	// header 0: header value holds CR, LF or NUL: Location: "/next\r\nSet-Cookie: admin=1"
}

func ExampleCanonical() {
	for _, n := range []string{"etag", "WWW-AUTHENTICATE", "x-custom"} {
		c, ok := headers.Canonical(n)
		fmt.Println(c, ok)
	}
	// Output:
	// ETag true
	// WWW-Authenticate true
	// x-custom false
}
