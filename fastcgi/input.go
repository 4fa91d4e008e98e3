package fastcgi

import (
	"fmt"
	"io"
)

// input is wsgi.input: the FCGI_STDIN stream of the running request, read
// straight from the connection's buffered reader. The reader goroutine
// announces each record's content length (remain) and waits while the
// application reads it; the fields are guarded by the conn's mu.
type input struct {
	c      *conn
	remain int  // content bytes of the current FCGI_STDIN record not yet read
	eof    bool // the empty FCGI_STDIN record arrived: the body is complete
	// err ends the stream: ErrAborted, or the connection's failure.
	err error
	// readErr is a failure of the connection under the application's
	// read, for the reader goroutine to end the connection with.
	readErr error
}

// reset readies in for a new request; c.mu is held.
func (in *input) reset() { in.remain, in.eof, in.err, in.readErr = 0, false, nil, nil }

// fail ends the stream with err and stops the request's output; c.mu is
// held.
func (in *input) fail(err error) {
	if in.err == nil {
		in.err = err
	}
	in.c.aborted.Store(true)
	in.c.cond.Broadcast()
}

// Read reads the request body. It blocks until a record's content is
// there, and returns io.EOF after the empty record that ends the stream;
// [ErrAborted] once the front end aborted the request; and ErrConnLost
// (or ErrTruncated) when the connection ends inside the body.
func (in *input) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c := in.c
	c.mu.Lock()
	for in.remain == 0 && !in.eof && in.err == nil {
		c.cond.Wait()
	}
	if in.err != nil {
		err := in.err
		c.mu.Unlock()
		return 0, err
	}
	if in.remain == 0 {
		c.mu.Unlock()
		return 0, io.EOF
	}
	want := min(len(p), in.remain)
	c.mu.Unlock()
	// The reader goroutine waits until remain is 0: the buffered reader
	// is ours.
	n, err := c.br.Read(p[:want])
	c.mu.Lock()
	defer c.mu.Unlock()
	in.remain -= n
	if err != nil {
		if err == io.EOF {
			err = fmt.Errorf("%w: inside an FCGI_STDIN record", ErrConnLost)
		}
		in.readErr = err
		c.broken.Store(true)
		in.fail(err)
		return n, err
	}
	if in.remain == 0 {
		c.cond.Broadcast()
	}
	return n, nil
}
