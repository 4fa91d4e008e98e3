package handlers

import (
	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/hopbyhop"
)

// startResponse is start_response of PEP 3333, with CPython's checks and
// the header-injection checks CPython lacks.
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
	h.status, h.appHeaders, h.headersSet = status, hdrs, true
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func checkHeaders(hdrs headers.Headers) error {
	for i := range hdrs {
		f := &hdrs[i]
		if hopbyhop.Is(f.Name) {
			return &HopByHopError{Name: f.Name, Value: f.Value}
		}
		if err := headers.ValidateField(f.Name, f.Value); err != nil {
			return err
		}
	}
	return nil
}
