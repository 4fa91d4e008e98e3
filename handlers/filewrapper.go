package handlers

import "github.com/gowsgi/wsgiref"

// defaultFileWrapper is wsgi.file_wrapper of the constructors.
var defaultFileWrapper wsgiref.FileWrapperFunc
