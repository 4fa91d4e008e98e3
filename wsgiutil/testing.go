package wsgiutil

import (
	"bytes"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
)

// SetupTestingDefaults fills env with the trivial values that a test of a
// WSGI server or application needs, never replacing a value already there,
// as Python's setup_testing_defaults does. It is for tests only: the data
// is fake.
//
// String variables are added in Python's order: SERVER_NAME "127.0.0.1",
// SERVER_PROTOCOL "HTTP/1.0", HTTP_HOST (SERVER_NAME's value),
// REQUEST_METHOD "GET", then SCRIPT_NAME "" and PATH_INFO "/" when neither
// is present, wsgi.url_scheme from [GuessScheme], and SERVER_PORT "80" or
// "443" for the schemes http and https.
//
// The typed wsgi.* fields are set only when unset: Version becomes {1, 0}
// when it is {0, 0}, a nil Input an empty reader, a nil Errors a fresh
// *bytes.Buffer that the test can read. Multithread, Multiprocess and
// RunOnce default to false, which is their zero value.
func SetupTestingDefaults(env *wsgiref.Environ) {
	serverName := env.SetDefault("SERVER_NAME", "127.0.0.1")
	env.SetDefault("SERVER_PROTOCOL", "HTTP/1.0")
	env.SetDefault("HTTP_HOST", serverName)
	env.SetDefault("REQUEST_METHOD", "GET")
	if !env.Has("SCRIPT_NAME") && !env.Has("PATH_INFO") {
		env.Set("SCRIPT_NAME", "")
		env.Set("PATH_INFO", "/")
	}
	if env.Version == [2]int{} {
		env.Version = [2]int{1, 0}
	}
	if env.Input == nil {
		env.Input = strings.NewReader("")
	}
	if env.Errors == nil {
		env.Errors = new(bytes.Buffer)
	}
	switch env.SetDefault(wsgiref.URLSchemeKey, GuessScheme(env)) {
	case "http":
		env.SetDefault("SERVER_PORT", "80")
	case "https":
		env.SetDefault("SERVER_PORT", "443")
	}
}
