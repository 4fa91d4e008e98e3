package handlers

import (
	"fmt"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/hopbyhop"
)

// startResponse is start_response of PEP 3333, with CPython's checks and
// the header-injection checks CPython lacks. It keeps a copy of the
// fields: edits of the application's list after the call are not sent.
func (h *Handler) startResponse(status string, hdrs headers.Headers, excInfo ...error) (wsgiref.Write, error) {
	var exc error
	for _, e := range excInfo {
		if e != nil {
			exc = e
			break
		}
	}
	if exc != nil {
		if h.headersSent {
			return nil, exc
		}
	} else if h.headersSet {
		return nil, ErrHeadersAlreadySet
	}
	// A snapshot, so that what goes out is the fields as passed, whatever
	// the application does to its list afterwards: an edit of a slice
	// passed by value reaches the handler's copy or not depending on the
	// backing array's spare capacity, which no rule could be built on.
	// The buffer is the handler's own and is reused across requests.
	h.fields = append(h.fields[:0], hdrs...)
	h.status, h.appHeaders, h.headersSet = status, h.fields, true
	h.startErr = checkStatus(status)
	if h.startErr == nil {
		h.startErr = checkHeaders(hdrs)
	}
	if h.startErr != nil {
		return nil, h.startErr
	}
	return h.writeFn, nil
}

// statusByte marks the bytes a status line may not hold: the controls
// other than HTAB.
var statusByte = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = c != '\t'
	}
	t[0x7f] = true
	return
}()

func checkStatus(status string) error {
	if len(status) < 4 {
		return ErrStatusShort
	}
	if !isDigit(status[0]) || !isDigit(status[1]) || !isDigit(status[2]) {
		return ErrStatusCode
	}
	if status[3] != ' ' {
		return ErrStatusSpace
	}
	for i := 4; i < len(status); i++ {
		if statusByte[status[i]] {
			return ErrStatusControl
		}
	}
	return nil
}

// hasControl reports whether a field value holds a control byte other than
// HTAB. headers lets them through (a list may be meant for other uses);
// on the wire RFC 9110 5.5 makes them invalid, and clients such as
// net/http reject the whole response.
func hasControl(v string) bool {
	for i := 0; i < len(v); i++ {
		if statusByte[v[i]] {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func checkHeaders(hdrs headers.Headers) error {
	length := ""
	for i := range hdrs {
		f := &hdrs[i]
		if hopbyhop.Is(f.Name) {
			return &HopByHopError{Name: f.Name, Value: f.Value}
		}
		if err := headers.ValidateField(f.Name, f.Value); err != nil {
			return err
		}
		if hasControl(f.Value) {
			return fmt.Errorf("%w: %s: %q", ErrHeaderControl, f.Name, f.Value)
		}
		if len(f.Name) == len("Content-Length") && headers.EqualFold(f.Name, "Content-Length") {
			if parseLength(f.Value) < 0 || length != "" && f.Value != length {
				return ErrContentLength
			}
			length = f.Value
		}
	}
	return nil
}
