package handlers

import (
	"errors"
	"io"

	"github.com/gowsgi/wsgiref"
)

// handleError is run's except branch with handle_error: log, then send the
// error page if nothing was sent yet.
func (h *Handler) handleError(err error) error {
	if h.outErr != nil {
		if !IsClientGone(h.outErr) {
			h.logError(h.outErr)
		}
		return h.outErr
	}
	h.logError(err)
	if h.headersSent {
		if h.chunked {
			// Leave the chunked body unterminated: the client must see
			// that the response is incomplete.
			h.persistent = false
		}
		return nil
	}
	h.excErr = err
	h.env.SetExtension(ExcInfoKey, err)
	// Nothing was sent: the failed application's status and headers are
	// replaced, as start_response with exc_info would do.
	h.headersSet, h.startErr, h.status, h.appHeaders = false, nil, "", nil
	h.result, h.inResult = nil, false
	errApp := h.ErrorOutput
	if errApp == nil {
		errApp = h.errApp
	}
	body, err2 := h.callApp(errApp)
	if err2 == nil {
		err2 = h.startErr
	}
	if err2 == nil {
		err2 = h.finishResponse(body)
	} else {
		h.closeBody(body, true)
	}
	if err2 != nil {
		if h.outErr != nil && IsClientGone(h.outErr) {
			return h.outErr
		}
		h.persistent = false
		return errors.Join(errors.New("handlers: error output failed"), err2, err)
	}
	h.complete = true
	return nil
}

// errorOutput is BaseHandler.error_output: the error page of ErrorStatus,
// ErrorHeaders and ErrorBody.
func (h *Handler) errorOutput(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	status := h.ErrorStatus
	if status == "" {
		status = DefaultErrorStatus
	}
	h.errHdrs = append(h.errHdrs[:0], h.ErrorHeaders...)
	if _, err := start(status, h.errHdrs, h.excErr); err != nil {
		return nil, err
	}
	h.errBlk[0] = h.ErrorBody
	h.errBody.Reset(h.errBlk[:]...)
	return &h.errBody, nil
}

func (h *Handler) logError(err error) {
	if h.LogError != nil {
		h.LogError(&h.env, err)
		return
	}
	w := h.env.Errors
	if w == nil {
		w = h.Stderr
	}
	if w == nil {
		return
	}
	WriteError(w, err)
}

// WriteError writes err as the default LogError does: a panic's stack
// first, then one line with the error, the way a Python traceback ends with
// the exception. The writer is flushed when it can be.
//
// It is exported for a [Handler.LogError] that does more than the default
// and keeps its format, the way a Python handler's log_exception override
// calls the base method:
//
//	h.LogError = func(env *wsgiref.Environ, err error) {
//		failures.Add(1)
//		handlers.WriteError(env.Errors, err)
//	}
func WriteError(w io.Writer, err error) {
	b := make([]byte, 0, 256)
	var pe *PanicError
	if errors.As(err, &pe) && len(pe.Stack) > 0 {
		b = append(b, "Traceback (most recent call last):\n"...)
		b = append(b, pe.Stack...)
		if b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	b = append(b, err.Error()...)
	b = append(b, '\n')
	w.Write(b)
	switch f := w.(type) {
	case interface{ Flush() error }:
		f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
}
