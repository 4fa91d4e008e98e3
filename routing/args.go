package routing

import (
	"iter"
	"strconv"
	"sync/atomic"
	"unsafe"

	wsgiref "github.com/gowsgi/wsgiref"
)

// Key is the environ key of the routing args, from the wsgiorg.routing_args
// specification.
const Key = "wsgiorg.routing_args"

// Args is the value of wsgiorg.routing_args: the (positional_args,
// named_args) pair of the specification. Every captured parameter is both:
// it is appended to the positional list and stored under its name. The
// values are raw path segments (bytes in a string, as PEP 3333 wants), not
// decoded further.
//
// The methods accept a nil *Args, which holds nothing, so
// ArgsOf(env).Get("id") needs no check. An *Args belongs to the environ it
// was set on and is reused for the next request on that environ: do not
// keep it, or the slices it returns, after the request.
type Args struct {
	owner  *wsgiref.Environ
	names  []string
	values []string
	// The first parameters live here, so an Args allocates only once in
	// its life unless nested routers capture more than len(nameBuf).
	nameBuf, valueBuf [8]string
}

// ArgsOf returns the routing args of env, or nil when there are none (no
// router captured anything, or the key holds another type).
func ArgsOf(env *wsgiref.Environ) *Args {
	v, _ := env.Extension(Key)
	a, _ := v.(*Args)
	return a
}

// Len returns the number of captured parameters.
func (a *Args) Len() int {
	if a == nil {
		return 0
	}
	return len(a.values)
}

// Positional returns the captured values in path order, outer routers
// first. The slice is the Args' own: read it, do not keep or change it.
func (a *Args) Positional() []string {
	if a == nil {
		return nil
	}
	return a.values
}

// Named returns the value captured under name and whether there is one.
// When nested routers both capture a name, the inner (later) one wins, as
// a dict update would.
func (a *Args) Named(name string) (value string, ok bool) {
	if a == nil {
		return "", false
	}
	for i := len(a.names) - 1; i >= 0; i-- {
		if a.names[i] == name {
			return a.values[i], true
		}
	}
	return "", false
}

// Get returns the value captured under name, or "" when there is none.
func (a *Args) Get(name string) string {
	v, _ := a.Named(name)
	return v
}

// Int returns the value captured under name as a base-10 int, for the
// numeric ids of a REST path. A missing name or a value that is not a
// number is an error that says which.
func (a *Args) Int(name string) (int, error) {
	v, ok := a.Named(name)
	if !ok {
		return 0, &ArgError{Name: name}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &ArgError{Name: name, Value: v, Err: err}
	}
	return n, nil
}

// All yields the captured parameters as name, value pairs in path order,
// duplicates included.
func (a *Args) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range a.Len() {
			if !yield(a.names[i], a.values[i]) {
				return
			}
		}
	}
}

// Map returns the named args as a new map, the dict of the specification,
// for code that wants one. It allocates; prefer [Args.Named].
func (a *Args) Map() map[string]string {
	m := make(map[string]string, a.Len())
	for name, value := range a.All() {
		m[name] = value
	}
	return m
}

// ArgError reports a routing arg that is missing or of the wrong form.
type ArgError struct {
	Name  string // the parameter name
	Value string // the value captured, if any
	Err   error  // the conversion error; nil when the name is missing
}

// Error names the parameter and what was wrong with it.
func (e *ArgError) Error() string {
	if e.Err == nil {
		return "routing: no routing arg " + strconv.Quote(e.Name)
	}
	return "routing: routing arg " + e.Name + "=" + strconv.Quote(e.Value) + ": " + e.Err.Error()
}

// Unwrap returns the conversion error, such as strconv.ErrSyntax.
func (e *ArgError) Unwrap() error { return e.Err }

// reset empties a for a new request. The old strings stay in the arrays
// until overwritten: clearing them costs more than keeping a few path
// strings alive a little longer.
func (a *Args) reset() {
	a.names, a.values = a.nameBuf[:0], a.valueBuf[:0]
}

// add appends the parameters of one route. Routes have a few, and they
// fit in the arrays: stored in place, with no append's capacity check per
// element and no bulk copy through the runtime.
func (a *Args) add(names, values []string) {
	n, m := len(a.values), len(a.values)+len(values)
	if m > len(a.valueBuf) || len(names) < len(values) {
		// Past the arrays. a.names[:n:n], so that a route's own list of
		// names (see set) is copied, never written.
		a.names = append(a.names[:n:n], names[:len(values)]...)
		a.values = append(a.values, values...)
		return
	}
	// The values so far are in valueBuf (they spill out only past it);
	// the names may be a route's own list, kept by set: copy them in.
	if n > 0 && &a.names[0] != &a.nameBuf[0] {
		copy(a.nameBuf[:n], a.names)
	}
	a.names, a.values = a.nameBuf[:m], a.valueBuf[:m]
	names, dstNames, dstValues := names[:len(values)], a.names[n:m], a.values[n:m]
	for i, v := range values {
		dstValues[i] = v
		dstNames[i] = names[i]
	}
}

// ArgsCache hands out the [*Args] of a router, one per environ, and keeps
// them so that the next request on a pooled environ reuses its Args. A
// generated router holds one; its zero value is ready to use and it is
// safe for concurrent use. A slot is chosen by the environ's address, so
// environs that come and go (not pooled) only cost the allocation of a new
// Args now and then.
type ArgsCache struct {
	slots [cacheSlots]atomic.Pointer[Args]
}

const cacheBits = 8
const cacheSlots = 1 << cacheBits

// Capture appends names and their values to env's routing args. If an
// outer router already set args on env, they are kept and added to;
// otherwise the Args of env from the cache (or a new one) starts empty.
// names and values have the same length. names is kept, not copied (the
// values are): it must not change while the request runs, as a generated
// router's package variable of a route's names never does.
func (c *ArgsCache) Capture(env *wsgiref.Environ, names []string, values ...string) {
	var outer *Args
	if v, ok := env.Extension(Key); ok {
		outer, _ = v.(*Args)
		if outer != nil && outer.owner == env {
			outer.add(names, values)
			return
		}
	}
	// env's own Args, from its slot. Fibonacci hashing of the address;
	// the address only picks the slot, the owner check decides. owner is
	// set once, before the Store publishes the Args, and never written
	// again: another environ hashed to the same slot may read it while
	// this one's request is running.
	slot := &c.slots[uint64(uintptr(unsafe.Pointer(env)))*0x9E3779B97F4A7C15>>(64-cacheBits)]
	a := slot.Load()
	if a == nil || a.owner != env {
		a = fresh(slot, env)
	}
	// A clone of an environ carries the Args of the original: copy it
	// rather than write to an Args another request may be reading.
	if outer != nil {
		a.reset()
		a.add(outer.names, outer.values)
		a.add(names, values)
	} else if n := len(values); n <= len(a.valueBuf) && n <= len(names) {
		// The common case, a request with no outer router's args, written
		// out here: the values copied into valueBuf, the names the
		// route's own list, kept as it is (capped, so that an append by
		// an inner router copies it), rather than copied a string at a
		// time.
		dst := a.valueBuf[:n]
		for i, v := range values {
			dst[i] = v
		}
		a.names, a.values = names[:n:n], dst
	} else {
		a.reset()
		a.add(names, values)
	}
	env.SetExtension(Key, a)
}

// fresh puts a new Args for env in slot: the first request on an
// environ, or one whose slot another environ took.
//
//go:noinline
func fresh(slot *atomic.Pointer[Args], env *wsgiref.Environ) *Args {
	a := &Args{owner: env}
	slot.Store(a)
	return a
}
