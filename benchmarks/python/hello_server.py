"""The Python side of the server load benchmarks.

Serves "Hello world!\\n" at every path (and, with --file, that file at
/file through wsgi.file_wrapper) on a loopback port, and prints
"LISTEN host:port" once it accepts connections.

  python3 hello_server.py wsgiref   # CPython's wsgiref.simple_server, as it is:
                                    # single-threaded, HTTP/1.0, one request
                                    # per connection, a log line per request
  /usr/bin/python3 hello_server.py werkzeug
                                    # werkzeug's threaded development server
                                    # (HTTP/1.1 keep-alive)
"""

import os
import sys
from wsgiref.util import FileWrapper

HELLO = b"Hello world!\n"


def make_app(path):
    size = str(os.path.getsize(path)) if path else None

    def app(environ, start_response):
        if path and environ.get("PATH_INFO") == "/file":
            start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", size)])
            # werkzeug offers no wsgi.file_wrapper: PEP 3333's fallback.
            wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
            return wrapper(open(path, "rb"))
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]

    return app


def main(argv):
    if not argv or argv[0] not in ("wsgiref", "werkzeug"):
        sys.exit("usage: hello_server.py wsgiref|werkzeug [--port N] [--file PATH]")
    kind, port, path = argv[0], 0, None
    args = iter(argv[1:])
    for a in args:
        if a == "--port":
            port = int(next(args))
        elif a == "--file":
            path = next(args)
    app = make_app(path)
    if kind == "wsgiref":
        from wsgiref.simple_server import make_server
        server = make_server("127.0.0.1", port, app)
    else:
        from werkzeug.serving import make_server
        server = make_server("127.0.0.1", port, app, threaded=True)
    host, port = server.socket.getsockname()[:2]
    print(f"LISTEN {host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
