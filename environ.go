package wsgiref

import (
	"io"
	"iter"
	"slices"
)

// URLSchemeKey is the environ key of wsgi.url_scheme. Unlike the other wsgi.*
// values it is a plain string variable, so it lives among the CGI variables.
const URLSchemeKey = "wsgi.url_scheme"

// Environ is the WSGI request environment.
//
// CGI variables (REQUEST_METHOD, PATH_INFO, HTTP_*, ...) and wsgi.url_scheme
// are strings that keep presence: a missing key differs from a key holding
// the empty string, as in a Python dict. They iterate in insertion order.
// The wsgi.* values of PEP 3333 are typed fields; other extension keys such
// as wsgiorg.routing_args hold any value through [Environ.Extension].
//
// The zero value is an empty environ ready to use. An Environ is not safe
// for concurrent mutation; its reads (Get, Lookup, Has, Len, All, Keys,
// Extension and the like) write nothing, so they may run concurrently
// with each other, as every connection of a server reads its base
// environ. Lookups scan a short slice: with the few dozen
// variables of a request this beats a map and allocates nothing. Past a
// small size the environ also keeps a hash index of its variables, so a
// request with a hundred header fields costs a hundred times one field,
// not ten thousand; a pooled environ reuses the index across [Environ.Reset].
type Environ struct {
	vars []variable
	ext  []extension
	// path is the string that SCRIPT_NAME and PATH_INFO were last cut
	// from by SetScriptPath; see scriptpath.go.
	path string
	// hot holds, plus one, the position in vars of each hot key (see
	// hotSlot), 0 when absent. Every write to vars keeps it exact, so a
	// hot key costs no scan and no comparison; readers never write it.
	hot [hotKeys]int32
	// nhot is the number of hot keys present (of hot's slots not 0).
	nhot int32
	// idx indexes the variables that are not hot once there are
	// indexMin of them; empty before (see environ_index.go).
	idx []indexSlot
	// tags has the filter bit (see tagBit) of every variable that is not
	// hot: a lookup whose bit is clear misses without a scan. Del leaves
	// the bits (a stale bit costs a scan, never a wrong answer).
	tags [4]uint64

	// Input is wsgi.input, the request body.
	Input io.Reader
	// Errors is wsgi.errors, where the server and the application log.
	Errors io.Writer
	// Version is wsgi.version; servers set {1, 0}.
	Version [2]int
	// Multithread is wsgi.multithread.
	Multithread bool
	// Multiprocess is wsgi.multiprocess.
	Multiprocess bool
	// RunOnce is wsgi.run_once.
	RunOnce bool
	// FileWrapper is wsgi.file_wrapper; nil when the server offers none.
	FileWrapper FileWrapperFunc

	// body is the response body the environ lends its application
	// (Blocks in body.go); Reset takes it back.
	body lentBody
}

// NewEnviron returns an environ holding the string variables given as
// alternating names and values, in that order, as [headers.New] does for
// header fields; a final odd name gets an empty value, and a repeated name
// keeps its first place and its last value, as with [Environ.Set]. The
// wsgi.* fields are left zero.
//
// For example, NewEnviron("REQUEST_METHOD", "GET", "PATH_INFO", "/a",
// "REQUEST_METHOD", "HEAD") holds REQUEST_METHOD=HEAD and PATH_INFO=/a, in
// that order.
func NewEnviron(nameValues ...string) *Environ {
	e := &Environ{vars: make([]variable, 0, (len(nameValues)+1)/2)}
	for i := 0; i < len(nameValues); i += 2 {
		var value string
		if i+1 < len(nameValues) {
			value = nameValues[i+1]
		}
		e.Set(nameValues[i], value)
	}
	return e
}

// FileWrapperFunc is the type of wsgi.file_wrapper: it turns a reader into a
// body of blocks of blksize bytes (a server default when blksize is 0). A
// server may recognise the bodies it makes and send them with sendfile(2).
type FileWrapperFunc func(r io.Reader, blksize int) Body

type variable struct {
	name, value string
	// hash is keyHash(name) for a variable that is not hot (0 for a hot
	// one, found by its position): a scan compares it before the name,
	// so a miss costs one integer comparison per variable.
	hash uint32
}

// tagBit is the filter bit of a hash in Environ.tags: one of 256, from
// the hash's top byte (the index uses the low bits), so that the dozen
// or so variables of a request that are not hot leave 24 lookups of an
// absent key in 25 a single AND. The hash is seeded per process, so which
// keys share a bit differs from process to process: with 128 bits, a
// process whose seed gave a request's field keys false hits (each a scan)
// spent 4% more per pipelined request than another; 256 bits halve the
// false hits.
func tagBit(h uint32) (word int, bit uint64) {
	b := h >> 24
	return int(b >> 6), 1 << (b & 63)
}

// mayHold reports whether the filter lets a variable of this hash exist.
func (e *Environ) mayHold(h uint32) bool {
	w, bit := tagBit(h)
	return e.tags[w]&bit != 0
}

type extension struct {
	name  string
	value any
}

// The hot keys are the variables a router reads and writes on every
// request, and those a gateway's handler reads back on every request
// after the server set them (SERVER_PROTOCOL for the status line,
// SERVER_SOFTWARE, wsgi.url_scheme and HTTPS for guess_scheme), and
// QUERY_STRING, which every server sets anew on every request in the
// place its copied start holds for it (a scan of the dozen variables
// before it cost a request 200 instructions); their positions are kept, so finding one costs no scan and no hash, whatever
// the environ's size. The other variables are few enough per request
// that a scan of their hashes finds them (see keyHash), or past
// indexMin of them the index.
const hotKeys = 8

// hotSlot returns the hint slot of a hot key, or -1: one switch on the
// length, then comparisons with the hot keys of that length, which
// compile to a couple of word compares each.
func hotSlot(key string) int {
	switch len(key) {
	case len("HTTPS"):
		if key == "HTTPS" {
			return hotHTTPS
		}
	case len("PATH_INFO"):
		if key == "PATH_INFO" {
			return hotPathInfo
		}
	case len("QUERY_STRING"):
		if key == "QUERY_STRING" {
			return hotQueryString
		}
	case len("SCRIPT_NAME"):
		if key == "SCRIPT_NAME" {
			return hotScriptName
		}
	case len("REQUEST_METHOD"):
		if key == "REQUEST_METHOD" {
			return hotRequestMethod
		}
	case len("SERVER_PROTOCOL"):
		switch key {
		case "SERVER_PROTOCOL":
			return hotServerProtocol
		case "SERVER_SOFTWARE":
			return hotServerSoftware
		case URLSchemeKey:
			return hotURLScheme
		}
	}
	return -1
}

// Hint slots of the hot keys.
const (
	hotPathInfo = iota
	hotScriptName
	hotRequestMethod
	hotServerProtocol
	hotServerSoftware
	hotURLScheme
	hotHTTPS
	hotQueryString
)

// index returns the position of key in vars, or -1. Like every read, it
// writes nothing, so reads may run concurrently (a server's base environ
// is read by every connection).
func (e *Environ) index(key string) int {
	if h := hotSlot(key); h >= 0 {
		return e.hotIndex(h)
	}
	h := keyHash(key)
	if len(e.idx) != 0 {
		if !e.mayHold(h) {
			// The filter answers most misses (a header field's bare
			// key, the new key of a Has then Set) without a probe.
			return -1
		}
		i, _ := e.probe(key, h)
		return i
	}
	return e.scan(key, h)
}

// hotIndex is index for a hot key whose slot the caller knows.
func (e *Environ) hotIndex(h int) int { return int(e.hot[h]) - 1 }

// The lookup of a key that is not hot, of hash h, is written out where
// it is used (index, Set, LookupOrSet), since as a call it is too big to
// inline:
//
//	if len(e.idx) != 0 {
//		i, free = e.probe(key, h) // the position, or -1 and the empty slot
//	} else {
//		i = e.scan(key, h)
//	}

// scan is the lookup without an index: it compares the hashes, then the
// name on a match; a key whose filter bit is clear misses without a scan.
func (e *Environ) scan(key string, h uint32) int {
	if e.mayHold(h) {
		// A local copy of the slice: the loop then neither reloads it
		// after each name comparison's call nor checks bounds.
		vars := e.vars
		for i := range vars {
			if vars[i].hash == h && vars[i].name == key {
				return i
			}
		}
	}
	return -1
}

// Get returns the value of a string variable, or "" when it is absent.
func (e *Environ) Get(key string) string {
	if i := e.index(key); i >= 0 {
		return e.vars[i].value
	}
	return ""
}

// Lookup returns the value of a string variable and whether it is present.
func (e *Environ) Lookup(key string) (value string, ok bool) {
	if i := e.index(key); i >= 0 {
		return e.vars[i].value, true
	}
	return "", false
}

// Has reports whether a string variable is present.
func (e *Environ) Has(key string) bool { return e.index(key) >= 0 }

// Set sets a string variable. A new key goes after the existing ones; an
// existing key keeps its place.
func (e *Environ) Set(key, value string) {
	if h := hotSlot(key); h >= 0 {
		e.setHot(h, key, value)
		return
	}
	h := keyHash(key)
	var i int
	var free uint32
	if len(e.idx) != 0 {
		i, free = e.probe(key, h)
	} else {
		i = e.scan(key, h)
	}
	if i >= 0 {
		e.vars[i].value = value
	} else {
		e.appendIndexed(key, value, h, free)
	}
}

// setHot is Set for a hot key whose slot the caller knows.
func (e *Environ) setHot(h int, key, value string) {
	if i := e.hotIndex(h); i >= 0 {
		e.vars[i].value = value
		return
	}
	// No hash: a hot key is found by its position, never by a scan.
	e.hot[h] = int32(len(e.vars) + 1)
	e.nhot++
	e.vars = append(e.vars, variable{})
	v := &e.vars[len(e.vars)-1]
	v.name = key
	v.value = value
}

// SetDefault sets key to value unless it is present, and returns the value
// the key then holds, like Python's dict.setdefault.
func (e *Environ) SetDefault(key, value string) string {
	actual, _ := e.LookupOrSet(key, value)
	return actual
}

// LookupOrSet is [Environ.SetDefault] that also reports whether the key
// was present, in one lookup: a reader that joins repeated header fields
// learns whether a name came before and stores it if not, where Has then
// Set would look the key up twice. Like sync.Map's LoadOrStore, it returns
// the value the key holds afterwards.
//
// For example, on an environ holding HTTP_ACCEPT=a, LookupOrSet("HTTP_ACCEPT",
// "b") returns "a", true and changes nothing, and LookupOrSet("HTTP_DNT",
// "1") returns "1", false and adds HTTP_DNT=1 after HTTP_ACCEPT.
func (e *Environ) LookupOrSet(key, value string) (actual string, present bool) {
	if h := hotSlot(key); h >= 0 {
		if i := e.hotIndex(h); i >= 0 {
			return e.vars[i].value, true
		}
		e.setHot(h, key, value)
		return value, false
	}
	h := keyHash(key)
	var i int
	var free uint32
	if len(e.idx) != 0 {
		i, free = e.probe(key, h)
	} else {
		i = e.scan(key, h)
	}
	if i >= 0 {
		return e.vars[i].value, true
	}
	e.appendIndexed(key, value, h, free)
	return value, false
}

// Del removes a string variable; removing an absent key does nothing. The
// others keep their order.
func (e *Environ) Del(key string) {
	if i := e.index(key); i >= 0 {
		if len(e.idx) > 0 {
			if hotSlot(key) >= 0 {
				e.renumber(i)
			} else {
				e.unindex(key, i)
			}
		}
		e.vars = slices.Delete(e.vars, i, i+1)
		for h, p := range e.hot {
			switch {
			case int(p) == i+1:
				e.hot[h] = 0
				e.nhot--
			case int(p) > i+1:
				e.hot[h]--
			}
		}
	}
}

// Len returns the number of string variables.
func (e *Environ) Len() int { return len(e.vars) }

// All yields the string variables in insertion order.
func (e *Environ) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, v := range e.vars {
			if !yield(v.name, v.value) {
				return
			}
		}
	}
}

// Keys returns the names of the string variables in insertion order, as a
// new slice.
//
// Keys returns []string, as [headers.Headers.Keys] does, and not an
// iterator: both are snapshots, like the lists of CPython's
// Headers.keys(), so a caller may Del or Set while ranging over them (a
// middleware that drops untrusted HTTP_X_FORWARDED_* keys does exactly
// that; a live iterator over the variables would skip the key after each
// one deleted). For iteration that allocates nothing, use [Environ.All].
func (e *Environ) Keys() []string {
	keys := make([]string, len(e.vars))
	for i, v := range e.vars {
		keys[i] = v.name
	}
	return keys
}

// Extension returns the value of an extension key such as
// "wsgiorg.routing_args" and whether it is present.
func (e *Environ) Extension(key string) (value any, ok bool) {
	for i := range e.ext {
		if e.ext[i].name == key {
			return e.ext[i].value, true
		}
	}
	return nil, false
}

// SetExtension sets an extension key to any value.
func (e *Environ) SetExtension(key string, value any) {
	for i := range e.ext {
		if e.ext[i].name == key {
			e.ext[i].value = value
			return
		}
	}
	e.ext = append(e.ext, extension{key, value})
}

// DelExtension removes an extension key.
func (e *Environ) DelExtension(key string) {
	for i := range e.ext {
		if e.ext[i].name == key {
			// Most often the key is the last one (a server dropping what
			// a router set): then no element moves.
			last := len(e.ext) - 1
			if i < last {
				copy(e.ext[i:], e.ext[i+1:])
			}
			e.ext[last] = extension{} // drop the value for the collector
			e.ext = e.ext[:last]
			return
		}
	}
}

// Extensions yields the extension keys and values in insertion order.
func (e *Environ) Extensions() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, x := range e.ext {
			if !yield(x.name, x.value) {
				return
			}
		}
	}
}

// Clone returns a deep copy of the variable lists; the typed fields and the
// extension values are copied as they are (the same reader, the same writer).
func (e *Environ) Clone() *Environ {
	c := *e
	c.vars = append([]variable(nil), e.vars...)
	c.ext = append([]extension(nil), e.ext...)
	c.idx = slices.Clone(e.idx)
	return &c
}

// Reset empties the environ for reuse, keeping the capacity of its lists and
// of its index so that a pooled environ fills again without allocating. The
// index is cleared when it is next built, so a small request never pays
// for the large one before it.
func (e *Environ) Reset() {
	// Field by field, and only what a request wrote: an assignment of
	// a whole Environ is a typed copy of all its 300 bytes, every pointer
	// word of them a write barrier while the collector marks. The used
	// part of the lists is cleared so that they keep no old strings or
	// values alive.
	clear(e.vars)
	e.vars = e.vars[:0]
	if len(e.ext) != 0 {
		clear(e.ext)
		e.ext = e.ext[:0]
	}
	if e.path != "" {
		e.path = ""
	}
	e.hot = [hotKeys]int32{}
	e.nhot = 0
	e.idx = e.idx[:0]
	e.tags = [4]uint64{}
	if e.Input != nil {
		e.Input = nil
	}
	if e.Errors != nil {
		e.Errors = nil
	}
	e.Version = [2]int{}
	e.Multithread, e.Multiprocess, e.RunOnce = false, false, false
	if e.FileWrapper != nil {
		e.FileWrapper = nil
	}
	if e.body.lent {
		e.body = lentBody{}
	}
}
