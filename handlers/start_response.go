package handlers

import (
	"fmt"
	"unsafe"

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
	// A list that passes the checks is sent from the check cache's copy
	// of it, which the application cannot reach.
	h.status, h.headersSet = status, true
	h.startErr = h.checkStatus(status)
	if h.startErr == nil {
		h.startErr = h.checkFields(hdrs)
	}
	if h.startErr != nil {
		h.fields = append(h.fields[:0], hdrs...)
		h.appHeaders = h.fields
		return nil, h.startErr
	}
	h.appHeaders = h.checked.fields
	return h.writeFn, nil
}

// fieldFacts is what the response writer needs to know of an
// application's fields besides their bytes.
type fieldFacts struct {
	length    int64 // the Content-Length value, -1 without one
	hasLength bool
	hasDate   bool
	hasServer bool
}

// checkCache remembers the last status and field list that passed the
// checks, with their facts. Most applications send the same fields on
// every response, so a pooled handler checks them once: a list equal to
// the remembered one, field by field (string compares, which are a
// pointer compare for the same strings), is known good.
type checkCache struct {
	status string
	fields headers.Headers
	facts  fieldFacts
	gen    uint64 // counts the lists fields has held, for the head cache
}

// checkStatus checks status unless it is the last one that passed.
func (h *Handler) checkStatus(status string) error {
	if sameString(status, h.checked.status) && status != "" {
		return nil
	}
	if err := checkStatus(status); err != nil {
		return err
	}
	h.checked.status = status
	return nil
}

// checkFields checks hdrs, or finds them equal to the last list that
// passed, and sets h.facts. On success h.checked.fields is a copy of hdrs.
func (h *Handler) checkFields(hdrs headers.Headers) error {
	c := &h.checked
	if sameFields(hdrs, c.fields) {
		h.facts = c.facts
		return nil
	}
	facts, err := checkHeaders(hdrs)
	if err != nil {
		return err
	}
	h.facts = facts
	c.fields, c.facts = append(c.fields[:0], hdrs...), facts
	c.gen++
	return nil
}

// sameFields is slices.Equal(a, b), without reading the bytes of the
// fields made of the same strings.
func sameFields(a, b headers.Headers) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameStrings(&a[i], &b[i]) && a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameStrings reports whether two fields are made of the same strings
// (the same bytes at the same address), as the literals of an
// application's list are request after request: then they are equal.
func sameStrings(a, b *headers.Field) bool {
	return unsafe.StringData(a.Name) == unsafe.StringData(b.Name) && len(a.Name) == len(b.Name) &&
		unsafe.StringData(a.Value) == unsafe.StringData(b.Value) && len(a.Value) == len(b.Value)
}

// sameString is a == b, without a call when a and b are the same bytes:
// the strings a response is made of (a status literal, an application's
// field list, the handler's configuration) are the same strings request
// after request, and == calls the runtime's memequal for each.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// holds reports whether hdrs is the cache's own list, which its gen
// stands for: what start_response left for a response that passed.
func (c *checkCache) holds(hdrs headers.Headers) bool {
	return len(hdrs) == len(c.fields) && (len(hdrs) == 0 || &hdrs[0] == &c.fields[0])
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

// checkHeaders checks an application's fields: no hop-by-hop name, names
// that are tokens, values free of controls, Content-Length a decimal
// number given once (or repeated with the same value). It returns the
// fields' facts.
func checkHeaders(hdrs headers.Headers) (fieldFacts, error) {
	facts := fieldFacts{length: -1}
	length := ""
	for i := range hdrs {
		f := &hdrs[i]
		if hopbyhop.Is(f.Name) {
			return facts, &HopByHopError{Name: f.Name, Value: f.Value}
		}
		// One pass over the value: the controls hasControl finds include
		// the CR, LF and NUL ValidateField reports, whose error comes first.
		if !headers.ValidName(f.Name) {
			return facts, headers.ValidateField(f.Name, f.Value)
		}
		if hasControl(f.Value) {
			if err := headers.ValidateField(f.Name, f.Value); err != nil {
				return facts, err
			}
			return facts, fmt.Errorf("%w: %s: %q", ErrHeaderControl, f.Name, f.Value)
		}
		switch len(f.Name) {
		case len("Content-Length"):
			if headers.EqualFold(f.Name, "Content-Length") {
				if parseLength(f.Value) < 0 || length != "" && f.Value != length {
					return facts, ErrContentLength
				}
				if length == "" {
					facts.length = parseLength(f.Value)
				}
				length, facts.hasLength = f.Value, true
			}
		case len("Date"):
			facts.hasDate = facts.hasDate || headers.EqualFold(f.Name, "Date")
		case len("Server"):
			facts.hasServer = facts.hasServer || headers.EqualFold(f.Name, "Server")
		}
	}
	return facts, nil
}
