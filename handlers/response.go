package handlers

import (
	"errors"
	"io"
	"runtime/debug"
	"strconv"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
)

// Write is the write callable of PEP 3333 that start_response returns: it
// sends the headers before the first data, then data, and flushes. A
// Sendfile hook may use it too.
func (h *Handler) Write(data []byte) error {
	if h.ended {
		return ErrWriteAfterClose
	}
	if err := h.emit(data); err != nil {
		return err
	}
	return h.flush()
}

// emit is BaseHandler.write without the flush.
func (h *Handler) emit(data []byte) error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.startErr != nil {
		return h.startErr
	}
	if !h.headersSet {
		return ErrWriteBeforeStart
	}
	if !h.headersSent {
		head, err := h.buildHead(int64(len(data)))
		if err != nil {
			return err
		}
		if len(head) > 0 && h.fitsHead(data) {
			// A small first block goes out with the head in one write:
			// one call of Stdout less, for a copy of a few bytes into
			// the room past the cached head.
			if err := h.writeAll(h.head.joined(data)); err != nil {
				return err
			}
			h.bytesSent += int64(len(data))
			return nil
		}
		if err := h.writeAll(head); err != nil {
			return err
		}
	}
	return h.writeBody(data)
}

// maxJoinedBlock is the largest first block sent in one write with the
// head (copied after it); a larger one is written on its own.
const maxJoinedBlock = 512

// fitsHead reports whether data, the first block, may be appended to the
// head just built: small, sent whole, and not chunked (see writeBody).
func (h *Handler) fitsHead(data []byte) bool {
	return len(data) > 0 && len(data) <= maxJoinedBlock && !h.noBody && !h.chunked &&
		(h.declared < 0 || int64(len(data)) <= h.declared) && h.sink == nil
}

func (h *Handler) writeBody(data []byte) error {
	if h.noBody || len(data) == 0 {
		return nil
	}
	var overrun error
	if h.declared >= 0 && int64(len(data)) > h.declared-h.bytesSent {
		// Bytes past the Content-Length would be read by a keep-alive
		// client (or a proxy) as the start of the next response: send
		// what fits and fail the application, as net/http does. CPython
		// sends them all.
		data = data[:h.declared-h.bytesSent]
		overrun = ErrBodyOverrun
		if len(data) == 0 {
			return overrun
		}
	}
	if h.chunked {
		p := strconv.AppendInt(h.chunk[:0], int64(len(data)), 16)
		p = append(p, '\r', '\n')
		if err := h.writeAll(p); err != nil {
			return err
		}
	}
	if err := h.writeAll(data); err != nil {
		return err
	}
	h.bytesSent += int64(len(data))
	if h.chunked {
		if err := h.writeAll(crlf); err != nil {
			return err
		}
	}
	return overrun
}

var (
	crlf        = []byte("\r\n")
	lastChunk   = []byte("0\r\n\r\n")
	errZeroSend = errors.New("handlers: stdout wrote nothing and reported no error")
)

// writeAll is SimpleHandler._write: a writer that writes only part of the
// data is called again with the rest. The first failure sticks: nothing more
// is written for this request.
func (h *Handler) writeAll(p []byte) error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.Stdout == nil && len(p) > 0 {
		h.outErr = ErrNoStdout
		return h.outErr
	}
	for len(p) > 0 {
		n, err := h.Stdout.Write(p)
		if err == nil && n == len(p) {
			return nil // all of it: the usual answer
		}
		if n < 0 || n > len(p) {
			n, err = 0, io.ErrShortWrite
		}
		p = p[n:]
		if err == nil && n == 0 && len(p) > 0 {
			err = errZeroSend
		}
		if err != nil {
			h.outErr = err
			return err
		}
	}
	return nil
}

func (h *Handler) flush() error {
	if h.outErr != nil {
		return h.outErr
	}
	var err error
	switch f := h.Stdout.(type) {
	case interface{ Flush() error }:
		err = f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	if err != nil {
		h.outErr = err
	}
	return err
}

// SendHeaders sends the status and headers if they have not been sent,
// for a Sendfile hook about to write the body itself.
func (h *Handler) SendHeaders() error {
	if h.outErr != nil {
		return h.outErr
	}
	if h.startErr != nil {
		return h.startErr
	}
	if !h.headersSet {
		return ErrWriteBeforeStart
	}
	if h.headersSent {
		return nil
	}
	return h.sendHeaders(-1)
}

// sendHeaders is send_headers with cleanup_headers and send_preamble:
// first is the length of the first block (bytes_sent at that point), or -1
// when the body is sent by other means and its length is unknown.
func (h *Handler) sendHeaders(first int64) error {
	head, err := h.buildHead(first)
	if err != nil || len(head) == 0 {
		return err
	}
	return h.writeAll(head)
}

// buildHead is sendHeaders but the write: it decides the framing, marks
// the headers sent and returns the head's bytes (the head cache's, to be
// read only; none for an HTTP/0.9 client or a sink, which has taken them).
func (h *Handler) buildHead(first int64) ([]byte, error) {
	// start_response checked these fields, kept a copy of them and noted
	// their facts.
	hdrs := h.appHeaders
	hasLength, hasDate, hasServer := h.facts.hasLength, h.facts.hasDate, h.facts.hasServer
	if hasLength {
		h.declared = h.facts.length
	}
	// cleanup_headers / set_content_length, or finish_content's default.
	addLength := int64(-1)
	if !hasLength {
		if h.zeroLength {
			addLength = 0
		} else if h.fileLength >= 0 {
			addLength = h.fileLength
		} else if h.inResult && first >= 0 && blockCount(h.result) == 1 {
			addLength = first
		}
		h.declared = addLength
	}
	if h.sink != nil {
		// A gateway that refuses the status leaves the headers unsent, so
		// the error page can still go out.
		if err := h.sink(h.status, hdrs, h.declared); err != nil {
			return nil, err
		}
		h.headersSent = true
		return nil, nil
	}
	h.headersSent = true

	proto := h.env.Get("SERVER_PROTOCOL")
	if h.OriginServer && !clientIsModern(proto) {
		return nil, nil // HTTP/0.9: no status line, no headers
	}
	key := headKey{status: h.status, fieldGen: h.checked.gen, length: addLength}
	if h.OriginServer {
		v := h.HTTPVersion
		if v == "" {
			v = "1.0"
		}
		http11 := v == "1.1"
		key.version, key.flags = v, headOrigin
		if !hasDate {
			key.flags |= headDate
		}
		if !hasServer {
			key.software = h.ServerSoftware
		}
		// No body goes out after HEAD, 1xx, 204 or 304 (RFC 9110 6.4.1):
		// a client reads none, so bytes sent would start the next response.
		h.noBody = h.env.Get("REQUEST_METHOD") == "HEAD" || !bodyAllowed(h.status)
		if http11 && !hasLength && addLength < 0 && !h.noBody && clientIs11(proto) {
			h.chunked = true
			key.flags |= headChunked
		}
		framed := h.declared >= 0 || h.chunked || h.noBody
		// A 1xx as the final status leaves the client waiting for the
		// real one: the connection cannot serve another request.
		h.persistent = h.KeepAlive && framed && h.status[0] != '1'
		if http11 && !h.persistent || h.AnnounceClose {
			key.flags |= headClose
		} else if !http11 && h.persistent {
			key.flags |= headKeepAlive
		}
	}
	if !h.checked.holds(hdrs) {
		h.head.valid = false // fields the check cache does not stand for
	}
	return h.head.head(&key, hdrs), nil
}

// blockCount is the body's number of blocks, the len() of
// set_content_length, or -1 when it has none.
func blockCount(body wsgiref.Body) int {
	if sb, ok := body.(*wsgiref.SliceBody); ok && sb != nil {
		return sb.Blocks() // the commonest body, without an interface assertion
	}
	if bc, ok := body.(wsgiref.BlockCounter); ok {
		return bc.Blocks()
	}
	return -1
}

// parseLength returns the value of a Content-Length header, or -1 when it
// is not a plain decimal number.
func parseLength(v string) int64 {
	if v == "" || len(v) > 18 {
		return -1
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return -1
		}
		n = n*10 + int64(v[i]-'0')
	}
	return n
}

// bodyAllowed reports whether a response of this status may carry a body
// (not 1xx, 204 or 304).
func bodyAllowed(status string) bool {
	return status[0] != '1' && status[:3] != "204" && status[:3] != "304"
}

// clientIsModern is client_is_modern for SERVER_PROTOCOL proto: anything
// but HTTP/0.9 takes a status line and headers. A missing SERVER_PROTOCOL
// ("") counts as modern.
func clientIsModern(proto string) bool {
	// The major digit first: HTTP/1.1 has HTTP/0.9's length.
	return len(proto) != len("HTTP/0.9") || proto[5] != '0' || !headers.EqualFold(proto, "HTTP/0.9")
}

// clientIs11 reports whether SERVER_PROTOCOL proto is HTTP/1.1: "HTTP/1.1",
// or a later 1.x minor, which RFC 9110 section 6.2 has a server treat as
// 1.1.
func clientIs11(proto string) bool {
	return len(proto) == len("HTTP/1.1") && headers.EqualFold(proto[:7], "HTTP/1.") && '1' <= proto[7] && proto[7] <= '9'
}

// finishResponse is finish_response: send the body, finish the content,
// close the body in every case.
func (h *Handler) finishResponse(body wsgiref.Body) error {
	h.result, h.inResult = body, true
	if sb, ok := body.(*wsgiref.SliceBody); ok && sb != nil && (h.Sendfile == nil || isSendfileWriterTo(h.Sendfile)) {
		// The commonest body, blocks in memory, which no Sendfile hook
		// is offered (see sendBody) and which has no Close.
		if err := h.sendSlices(sb); err != nil {
			return err
		}
		return h.finishContent()
	}
	err := h.sendBody(body)
	if err == nil {
		err = h.finishContent()
	}
	if cerr := h.closeBody(body, err != nil); err == nil {
		err = cerr
	}
	return err
}

func (h *Handler) sendBody(body wsgiref.Body) error {
	if body == nil {
		return nil
	}
	sb, inMemory := body.(*wsgiref.SliceBody)
	inMemory = inMemory && sb != nil
	// SendfileWriterTo passes over a SliceBody (not an io.WriterTo):
	// the commonest body skips the hook's call and its recover.
	if h.Sendfile != nil && !(inMemory && isSendfileWriterTo(h.Sendfile)) {
		sent, err := h.callSendfile(body)
		if err != nil || sent {
			return err
		}
	}
	if inMemory {
		return h.sendSlices(sb)
	}
	// Blocks known in advance are in memory: no need to flush each, the
	// final flush sends them. Blocks produced on demand are flushed one by
	// one, so that a slow producer never holds back what is ready (PEP 3333).
	flushEach := true
	if bc, ok := body.(wsgiref.BlockCounter); ok && bc.Blocks() >= 0 {
		flushEach = false
	}
	for {
		data, err := h.next(body)
		if len(data) > 0 || err == nil {
			if werr := h.emit(data); werr != nil {
				return werr
			}
			if flushEach {
				if ferr := h.flush(); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// sendSlices is sendBody for the commonest body, blocks in memory: its
// Next cannot panic and ends with io.EOF only, so the blocks are sent
// without a recover each, and flushed at the end only.
func (h *Handler) sendSlices(sb *wsgiref.SliceBody) error {
	for {
		data, err := sb.Next()
		if err != nil {
			return nil
		}
		if err := h.emit(data); err != nil {
			return err
		}
	}
}

// callSendfile and next call application code as callApp does.
func (h *Handler) callSendfile(body wsgiref.Body) (sent bool, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			sent, err = false, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	sent, err = h.Sendfile(h, body)
	returned = true
	return sent, err
}

func (h *Handler) next(body wsgiref.Body) (data []byte, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			data, err = nil, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	data, err = body.Next()
	returned = true
	return data, err
}

// finishContent is finish_content: a response with no body still gets its
// headers, with Content-Length 0 unless the application set one (for HEAD);
// a chunked body gets its last chunk.
func (h *Handler) finishContent() error {
	if !h.headersSent {
		if h.startErr != nil {
			return h.startErr
		}
		if !h.headersSet {
			return ErrWriteBeforeStart
		}
		h.zeroLength = true
		if err := h.sendHeaders(0); err != nil {
			return err
		}
	} else if h.chunked {
		if err := h.writeAll(lastChunk); err != nil {
			return err
		}
	}
	if h.sink != nil {
		return nil
	}
	return h.flush()
}

// closeBody calls the body's Close. On a failure path (failing) its error
// is logged, since another error is already being handled; otherwise it is
// returned.
func (h *Handler) closeBody(body wsgiref.Body, failing bool) (err error) {
	if _, ok := body.(*wsgiref.SliceBody); ok {
		return nil // no Close: known without looking the method up
	}
	c, ok := body.(io.Closer)
	if !ok || body == nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		if err != nil && failing {
			h.logError(err)
			err = nil
		}
	}()
	return c.Close()
}
