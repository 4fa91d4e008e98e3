package fileswrap_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/gowsgi/wsgiref/fileswrap"
)

// A FileWrapper yields a reader's bytes as blocks of the size asked for,
// as wsgiref.util.FileWrapper does; a server with a socket would call
// WriteTo instead and let the kernel send a file.
func ExampleNew() {
	body := fileswrap.New(strings.NewReader(strings.Repeat("xyz", 50)), 120)
	defer body.Close()
	for {
		block, err := body.Next()
		if err == io.EOF {
			break
		}
		fmt.Println(len(block), string(block[:6]))
	}
	// Output:
	// 120 xyzxyz
	// 30 xyzxyz
}
