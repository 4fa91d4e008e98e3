#!/usr/bin/env python3
"""The application of main.go for CPython's wsgiref, run as a CGI script."""
from wsgiref.handlers import CGIHandler

ECHO_KEYS = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
             "CONTENT_TYPE", "HTTP_X_DEMO")


def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/error":
        raise RuntimeError("boom")
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"one\n", b"two\n", b"three\n"]
    body = b""
    try:
        n = int(environ.get("CONTENT_LENGTH", ""))
    except ValueError:
        n = 0
    if n > 0:
        body = environ["wsgi.input"].read(n)
    lines = [k + "=" + environ.get(k, "") for k in ECHO_KEYS]
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                              ("X-Gateway", "wsgiref")])
    return ["\n".join(lines).encode("iso-8859-1") + b"\n" + body]


if __name__ == "__main__":
    CGIHandler().run(app)
