package handlers

import (
	"io"
	"os"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/fileswrap"
)

// defaultFileWrapper is wsgi.file_wrapper of the constructors:
// wsgiref.util.FileWrapper, whose bodies SendfileWriterTo sends with
// sendfile(2).
var defaultFileWrapper wsgiref.FileWrapperFunc = func(r io.Reader, blksize int) wsgiref.Body {
	return fileswrap.New(r, blksize)
}

// remainingFileLength returns how many bytes a file body has left to send
// when it wraps a regular file, or -1.
func remainingFileLength(body wsgiref.Body) int64 {
	fw, ok := body.(*fileswrap.FileWrapper)
	if !ok {
		return -1
	}
	f, ok := fw.Reader().(*os.File)
	if !ok {
		return -1
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || pos > st.Size() {
		return -1
	}
	return st.Size() - pos
}
