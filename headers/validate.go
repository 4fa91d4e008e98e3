package headers

import (
	"errors"
	"fmt"
)

// ErrInvalidName is wrapped by the errors of [Headers.Validate] and
// [ValidateField] for a field name that is not an RFC 9110 token.
var ErrInvalidName = errors.New("header name is not a token")

// ErrInvalidValue is wrapped by the errors for a value holding CR, LF or
// NUL, bytes that would split or end the header block on the wire.
var ErrInvalidValue = errors.New("header value holds CR, LF or NUL")

// Validate reports the first field whose name is not a token or whose value
// holds CR, LF or NUL. A list that validates serialises to one line a field.
// CPython checks none of this; a Go server must, or header injection is
// possible.
func (h *Headers) Validate() error {
	for i, f := range *h {
		if err := ValidateField(f.Name, f.Value); err != nil {
			return fmt.Errorf("header %d: %w", i, err)
		}
	}
	return nil
}

// ValidateField checks one name and value as [Headers.Validate] does.
func ValidateField(name, value string) error {
	if !ValidName(name) {
		return fmt.Errorf("%w: %q", ErrInvalidName, name)
	}
	if !ValidValue(value) {
		return fmt.Errorf("%w: %s: %q", ErrInvalidValue, name, value)
	}
	return nil
}

// ValidName reports whether name is a non-empty RFC 9110 token.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !tokenChar[name[i]] {
			return false
		}
	}
	return true
}

// ValidValue reports whether value holds no CR, LF or NUL. Other control
// bytes and bytes above 0x7F pass, as obs-text and HTAB do on the wire.
func ValidValue(value string) bool {
	for i := 0; i < len(value); i++ {
		if badValueByte[value[i]] {
			return false
		}
	}
	return true
}
