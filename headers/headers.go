// Package headers is wsgiref.headers: an ordered, case-insensitive list of
// HTTP header fields, with the semantics and the bytes of CPython's
// wsgiref.headers.Headers.
//
// [Headers] is a slice of [Field] with pointer methods. The slice is the
// value, as Python's Headers(list) edits the list it wraps: an application
// builds one and passes it to start_response. The module's handlers copy
// the fields at that call (into a buffer they reuse, without allocating)
// and send that copy: edits of the list after start_response are not sent.
//
// Names compare case-insensitively through a generated table that folds a
// byte as Python's str.lower folds the ISO-8859-1 character it stands for
// (ASCII and Latin-1 letters); the lookups, Set on a list with spare
// capacity, AppendValues and AppendTo allocate nothing.
//
// CPython checks nothing about the bytes of a field; [Headers.Validate]
// does, and a server must call it before sending fields it did not write
// itself, or a CR LF in a value splits the response (header injection).
package headers

import (
	"io"
	"iter"
	"strings"
)

//go:generate go run ../gen/tablegen -table headers -out tables_gen.go

// Field is one header field: a name and its value, raw bytes in strings.
type Field struct {
	// Name is the field name as the application or the client spelled it
	// ("content-type" stays so); lookups compare it case-insensitively.
	Name string
	// Value is the field value without the line's CR LF, raw bytes (PEP
	// 3333's ISO-8859-1 strings).
	Value string
}

// Headers is an ordered list of header fields, duplicates allowed. Its zero
// value is an empty list ready to use.
type Headers []Field

// New returns a Headers list holding the fields given as alternating names
// and values; a final odd name gets an empty value.
func New(nameValues ...string) Headers {
	h := make(Headers, 0, (len(nameValues)+1)/2)
	for i := 0; i < len(nameValues); i += 2 {
		f := Field{Name: nameValues[i]}
		if i+1 < len(nameValues) {
			f.Value = nameValues[i+1]
		}
		h = append(h, f)
	}
	return h
}

// Len returns the number of fields, duplicates included.
func (h *Headers) Len() int { return len(*h) }

// Get returns the first value of the named field, or "" when there is none.
// Use [Headers.Lookup] to tell a missing field from an empty one.
func (h *Headers) Get(name string) string {
	v, _ := h.Lookup(name)
	return v
}

// Lookup returns the first value of the named field and whether the field
// is present.
func (h *Headers) Lookup(name string) (value string, ok bool) {
	for _, f := range *h {
		if EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Has reports whether the named field is present.
func (h *Headers) Has(name string) bool {
	_, ok := h.Lookup(name)
	return ok
}

// GetAll returns every value of the named field in list order; nil when
// there is none.
func (h *Headers) GetAll(name string) []string {
	return h.AppendValues(nil, name)
}

// AppendValues appends every value of the named field to dst and returns
// the extended slice: GetAll into a caller's buffer, without allocating when
// dst has room.
func (h *Headers) AppendValues(dst []string, name string) []string {
	for _, f := range *h {
		if EqualFold(f.Name, name) {
			dst = append(dst, f.Value)
		}
	}
	return dst
}

// ValuesOf yields the values of the named field, in list order, without
// building a slice.
func (h *Headers) ValuesOf(name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, f := range *h {
			if EqualFold(f.Name, name) && !yield(f.Value) {
				return
			}
		}
	}
}

// Del removes every field of that name; a missing name is not an error.
// The other fields keep their order.
func (h *Headers) Del(name string) {
	s := *h
	kept := s[:0]
	for _, f := range s {
		if !EqualFold(f.Name, name) {
			kept = append(kept, f)
		}
	}
	clear(s[len(kept):])
	*h = kept
}

// Set replaces every field of that name with one field at the end of the
// list, as Python's h[name] = value does (delete, then append).
//
// The result is Del then Add, but the fields before the first match are
// not rewritten: setting a field that is already last, the common case
// of a middleware overwriting what it set, writes one field.
func (h *Headers) Set(name, value string) {
	s := *h
	first := -1
	for i := range s {
		if EqualFold(s[i].Name, name) {
			first = i
			break
		}
	}
	if first < 0 {
		*h = append(s, Field{name, value})
		return
	}
	kept := s[:first]
	for _, f := range s[first+1:] {
		if !EqualFold(f.Name, name) {
			kept = append(kept, f)
		}
	}
	// At least one field went, so the new one fits in place.
	kept = append(kept, Field{name, value})
	clear(s[len(kept):])
	*h = kept
}

// SetDefault returns the first value of the named field; when there is none
// it appends the field with value and returns value.
func (h *Headers) SetDefault(name, value string) string {
	if v, ok := h.Lookup(name); ok {
		return v
	}
	*h = append(*h, Field{name, value})
	return value
}

// Add appends a field, keeping any others of the same name.
func (h *Headers) Add(name, value string) {
	*h = append(*h, Field{name, value})
}

// Keys returns the field names in list order, duplicates included, as a new
// slice, like CPython's Headers.keys(). wsgiref.Environ.Keys returns the
// same type for the same reason: a snapshot may be ranged over while the
// list is edited.
func (h *Headers) Keys() []string {
	keys := make([]string, len(*h))
	for i, f := range *h {
		keys[i] = f.Name
	}
	return keys
}

// Values returns the field values in list order.
func (h *Headers) Values() []string {
	values := make([]string, len(*h))
	for i, f := range *h {
		values[i] = f.Value
	}
	return values
}

// Items returns a copy of the list, as Python's items() does.
func (h *Headers) Items() []Field {
	return append([]Field(nil), *h...)
}

// String returns the fields as "Name: value" lines, each ended by CRLF, and
// a final CRLF: the bytes of a header block, as Python's str(headers).
func (h *Headers) String() string {
	var b strings.Builder
	b.Grow(h.size())
	for _, f := range *h {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// AppendTo appends the header block ([Headers.String]) to dst and returns
// the extended slice. It writes the bytes as they are: call
// [Headers.Validate] first when the fields come from an untrusted source.
func (h *Headers) AppendTo(dst []byte) []byte {
	for _, f := range *h {
		dst = append(dst, f.Name...)
		dst = append(dst, ':', ' ')
		dst = append(dst, f.Value...)
		dst = append(dst, '\r', '\n')
	}
	return append(dst, '\r', '\n')
}

// WriteTo writes the header block to w in one Write call.
func (h *Headers) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(h.AppendTo(make([]byte, 0, h.size())))
	return int64(n), err
}

func (h *Headers) size() int {
	n := 2
	for _, f := range *h {
		n += len(f.Name) + len(f.Value) + 4
	}
	return n
}

// EqualFold reports whether two header names are equal ignoring case, as
// CPython's name.lower() comparison is. Each byte stands for its ISO-8859-1
// character (PEP 3333's convention), so folding is one table lookup a byte:
// ASCII letters and the Latin-1 capitals fold to their small letters.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if ca, cb := a[i], b[i]; ca != cb && lower[ca] != lower[cb] {
			return false
		}
	}
	return true
}
