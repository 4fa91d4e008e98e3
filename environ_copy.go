package wsgiref

// CopyFrom makes e's string variables a copy of src's: the same keys and
// values in the same order, e's own variables dropped. It copies src's
// variable list, hot-key positions and hash index wholesale, so it costs
// one copy of each and hashes no key, where a Set per key of src would
// scan or hash every key again; into a pooled environ (see
// [Environ.Reset]) it allocates nothing once e has held as many. The
// wsgi.* fields and the extension keys of e are left as they are; for a
// copy of those too, use [Environ.Clone].
//
// A server fills every request's environ from its base environ this way.
// For example, with src holding SERVER_NAME=localhost and SCRIPT_NAME=""
// and e holding PATH_INFO=/old, e.CopyFrom(src) leaves e holding
// SERVER_NAME=localhost and SCRIPT_NAME="", in that order, and no
// PATH_INFO.
func (e *Environ) CopyFrom(src *Environ) {
	if e == src {
		return
	}
	// Drop the references the tail of e's list would otherwise keep.
	if len(e.vars) > len(src.vars) {
		clear(e.vars[len(src.vars):])
	}
	e.vars = append(e.vars[:0], src.vars...)
	e.hot, e.nhot = src.hot, src.nhot
	e.tags = src.tags
	e.path = src.path
	e.idx = append(e.idx[:0], src.idx...)
}
