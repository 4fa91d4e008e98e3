"""CPython's own wsgiref.simple_server, answering each request with the
environ its application received, for simpleserver's differential test
(cpython_diff_test.go).

It prints one line, "PORT SERVER_NAME", once it listens on 127.0.0.1, and
serves until its standard input closes. The application answers 200 with
an empty body and one header, X-Environ: the hex of the environ's string
variables in environ order, each as "key NUL value NUL" in Latin-1, the
variables copied from os.environ left out. When CONTENT_LENGTH is set, the
application reads that many bytes of wsgi.input and adds them as the
pseudo-variable "(body)".

The handler differs from WSGIRequestHandler in two ways that no environ
sees: it logs nothing, and after the response it reads what the client
sent until the client's end of stream, so that closing the socket with
unread request bytes (a chunked body, which wsgiref does not decode)
cannot reset the connection before the client has read the response.
"""

import os
import sys
import threading
from wsgiref import handlers, simple_server

OS_KEYS = frozenset(handlers.BaseHandler.os_environ)


def app(environ, start_response):
    out = bytearray()
    for key, value in environ.items():
        if not isinstance(value, str) or key in OS_KEYS:
            continue
        out += key.encode("latin-1") + b"\0" + value.encode("latin-1", "backslashreplace") + b"\0"
    length = environ.get("CONTENT_LENGTH", "")
    if length:
        try:
            n = int(length)
        except ValueError:
            n = -1
        if n >= 0:
            body = environ["wsgi.input"].read(n)
            out += b"(body)\0" + body + b"\0"
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Environ", out.hex())])
    return [b""]


class Handler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):
        pass

    def handle(self):
        super().handle()
        try:
            self.wfile.flush()
            self.connection.settimeout(5)
            while self.rfile.read1(65536):
                pass
        except OSError:
            pass


def main():
    server = simple_server.make_server("127.0.0.1", 0, app, handler_class=Handler)
    print(server.server_port, server.server_name, flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
