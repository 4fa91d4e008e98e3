package handlers

// WriteInterim sends an interim (1xx) response, such as "100 Continue",
// ahead of the application's response, and flushes it: the status line and
// an empty line, "HTTP/1.1 100 Continue\r\n\r\n" (RFC 9110 section 15.2).
// It sends nothing once the response's headers are out, or from a handler
// that is not an origin server (a CGI-like gateway has no interim
// responses). It lets a server send every byte of a connection through its
// Handler, one writer on the wire.
func (h *Handler) WriteInterim(status string) error {
	if h.headersSent || !h.OriginServer || h.sink != nil {
		return nil
	}
	if len(status) < 3 || status[0] != '1' {
		return ErrStatusUnsupported
	}
	b := append(h.buf[:0], "HTTP/1.1 "...)
	b = append(b, status...)
	b = append(b, "\r\n\r\n"...)
	h.buf = b
	if err := h.writeAll(b); err != nil {
		return err
	}
	return h.flush()
}
