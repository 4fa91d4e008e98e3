package proxyfix

import (
	"errors"
	"strconv"
)

// ErrMalformed is matched (errors.Is) by every [FieldError].
var ErrMalformed = errors.New("malformed forwarding field")

// A FieldError is a trusted forwarding field whose value cannot be used.
// The middleware answers the request with 400 Bad Request and logs it.
type FieldError struct {
	// Field is the field's name as on the wire, e.g. "X-Forwarded-For".
	Field string
	// Value is the value, or the part of it, that is wrong.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns, for example,
//
//	proxyfix: X-Forwarded-Port "80x": not a port number
func (e *FieldError) Error() string {
	return "proxyfix: " + e.Field + " " + strconv.Quote(e.Value) + ": " + e.Reason
}

// Unwrap returns ErrMalformed.
func (e *FieldError) Unwrap() error { return ErrMalformed }
