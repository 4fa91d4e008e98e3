// Package logbuf holds the one log capture the module's tests share: a
// buffer that a server's goroutines may write while the test reads it.
package logbuf

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent use: the log or the
// wsgi.errors of a server whose requests run on their own goroutines. Its
// zero value is an empty buffer ready to use.
//
//	var b logbuf.Buffer
//	log := slog.New(slog.NewTextHandler(&b, nil)) // the server writes...
//	strings.Contains(b.String(), "level=WARN")   // ...the test reads
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
