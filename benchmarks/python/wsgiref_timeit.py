"""Time CPython's own wsgiref on the operations of the Go micro-benchmarks.

Reads the same fixtures as the Go benchmarks (testdata/fixtures.json),
checks that every operation gives the answer the Go agreement tests expect,
and prints one JSON object: {"python": version, "results": {name: ns_per_op}}
with names as in the Go benchmarks (Headers/GetFirst/cpython, ...).

Usage: python3 wsgiref_timeit.py [--quick] [fixtures.json]
"""

import http.client
import io
import json
import os
import platform
import sys
import timeit
import types

from wsgiref import util
from wsgiref.headers import Headers
from wsgiref.simple_server import WSGIRequestHandler

STATUS_LINE = "HTTP/1.1 200 OK\r\n"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def header_ops(fx):
    pairs = [tuple(kv) for kv in fx["response_headers"]]
    first, last = fx["get_first"], fx["get_last"]
    set_name, set_value, get_all = fx["set_name"], fx["set_value"], fx["get_all"]

    h = Headers(list(pairs))
    hs = Headers(list(pairs))

    def set_op():
        hs[set_name] = set_value

    def serialize():
        # BaseHandler.send_preamble writes the status line, then bytes(headers).
        return (STATUS_LINE.encode("iso-8859-1"), bytes(h))

    checks = {
        "Headers/GetFirst/cpython": (lambda: h.get(first), pairs[0][1]),
        "Headers/GetLast/cpython": (lambda: h.get(last), pairs[-1][1]),
        "Headers/Set/cpython": (set_op, None),
        "Headers/GetAll/cpython": (lambda: h.get_all(get_all), [pairs[3][1], pairs[4][1]]),
        "Headers/Serialize/cpython": (serialize, None),
    }
    for name, (fn, want) in checks.items():
        got = fn()
        if want is not None and got != want:
            raise SystemExit(f"{name}: got {got!r}, want {want!r}")
    if hs.get_all(set_name) != [set_value]:
        raise SystemExit("Headers/Set/cpython: Set did not replace the field")
    status, block = serialize()
    if not block.endswith(b"\r\n\r\n") or block.count(b"\r\n") != len(pairs) + 1:
        raise SystemExit(f"Headers/Serialize/cpython: bad block {block!r}")
    return {name: fn for name, (fn, _) in checks.items()}


def request_handler(fx):
    """A WSGIRequestHandler holding the parsed fixture request, as
    simple_server has it when it calls get_environ()."""
    r = fx["request"]
    raw = "".join(f"{k}: {v}\r\n" for k, v in r["headers"]) + "\r\n"
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    host, port = r["remote_addr"].rsplit(":", 1)
    handler.client_address = (host, int(port))
    handler.request_version = r["proto"]
    handler.command = r["method"]
    handler.path = r["target"]
    handler.headers = http.client.parse_headers(io.BytesIO(raw.encode("iso-8859-1")))
    base = {
        "SERVER_NAME": r["server_name"],
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PORT": r["server_port"],
        "REMOTE_HOST": "",
        "CONTENT_LENGTH": "",
        "SCRIPT_NAME": "",
    }
    handler.server = types.SimpleNamespace(base_environ=base)
    return handler


def environ_ops(fx):
    handler = request_handler(fx)
    env = handler.get_environ()
    want_path = fx["request"]["target"].split("?", 1)[0]
    if env["PATH_INFO"] != want_path or env["HTTP_USER_AGENT"] != dict(fx["request"]["headers"])["User-Agent"]:
        raise SystemExit(f"Environ/Build/cpython: unexpected environ {env!r}")
    return {"Environ/Build/cpython": handler.get_environ}


def uri_ops(fx):
    env = request_handler(fx).get_environ()
    env["wsgi.url_scheme"] = "http"
    r = fx["request"]
    want_request = "http://" + dict(r["headers"])["Host"] + r["target"]
    want_app = "http://" + dict(r["headers"])["Host"] + "/"
    path = env["PATH_INFO"]
    segments = [s for s in path.split("/") if s]

    def shift5():
        env["SCRIPT_NAME"] = ""
        env["PATH_INFO"] = path
        for _ in segments:
            util.shift_path_info(env)
        return env["SCRIPT_NAME"], env["PATH_INFO"]

    if util.request_uri(env) != want_request:
        raise SystemExit(f"URI/RequestURI/cpython: {util.request_uri(env)!r} != {want_request!r}")
    if util.application_uri(env) != want_app:
        raise SystemExit(f"URI/ApplicationURI/cpython: {util.application_uri(env)!r} != {want_app!r}")
    if shift5() != (path, ""):
        raise SystemExit(f"URI/ShiftPathInfo/cpython: {shift5()!r}")
    env["SCRIPT_NAME"], env["PATH_INFO"] = "", path
    return {
        "URI/RequestURI/cpython": lambda: util.request_uri(env),
        "URI/ApplicationURI/cpython": lambda: util.application_uri(env),
        "URI/ShiftPathInfo/cpython": shift5,
    }


def measure(fn, quick):
    """Best of a few repeats of a loop long enough to time, in ns per call."""
    timer = timeit.Timer(fn)
    if quick:
        number, repeat = 200, 1
    else:
        number, _ = timer.autorange()
        number *= 2  # autorange stops at 0.2 s; aim for about half a second
        repeat = 3
    best = min(timer.repeat(repeat=repeat, number=number))
    return best / number * 1e9


def main(argv):
    quick = "--quick" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "fixtures.json")
    fx = load(path)
    ops = {}
    ops.update(header_ops(fx))
    ops.update(environ_ops(fx))
    ops.update(uri_ops(fx))
    results = {name: round(measure(fn, quick), 1) for name, fn in ops.items()}
    json.dump({"python": platform.python_implementation() + " " + platform.python_version(), "results": results}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
