"""The base of the loopback fakes of the platforms herald publishes to (each platform's fake is in
platforms/<name>/fake.py), for the end-to-end tests.

Each fake is a real HTTP server (http.server.ThreadingHTTPServer on 127.0.0.1, port 0) run in a
background thread of the test process, so the herald binary talks to it over TCP exactly as it
would to the platform. Standard library only.
"""

import email.parser
import email.policy
import itertools
import json
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HookRequest:
    """One request as the fake received it."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        split = urllib.parse.urlsplit(target)
        self.path = split.path
        self.query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        self.raw_query = split.query
        self.headers = headers  # {lower-case name: value}
        self.body = body  # bytes
        self.json = None
        self.parts = None  # multipart: [{"name", "filename", "content_type", "data"}]
        content_type = headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                self.json = json.loads(body.decode("utf-8"))
            except ValueError:
                self.json = None
        elif content_type.startswith("multipart/form-data"):
            self.parts = _parse_multipart(content_type, body)

    def part(self, name):
        for p in self.parts or []:
            if p["name"] == name:
                return p
        return None

    def __repr__(self):
        return f"{self.method} {self.target} {self.body[:200]!r}"


def _parse_multipart(content_type, body):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    parts = []
    for part in message.iter_parts():
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "filename": part.get_filename(),
            "content_type": part.get_content_type() if part.get("content-type") else None,
            "data": part.get_payload(decode=True) or b"",
        })
    return parts


class HookFault:
    """What to do instead of the normal answer: a status (with headers and body), a delay
    before answering, or closing the connection without any answer."""

    def __init__(self, status=None, headers=None, body=b"", delay=0.0, close=False, echo=None):
        self.echo = echo  # a function of the request that makes the body (echo_next)
        self.status = status
        self.headers = dict(headers or {})
        self.body = body if isinstance(body, bytes) else (
            json.dumps(body).encode() if not isinstance(body, str) else body.encode())
        self.delay = delay
        self.close = close


class HookFakeServer:
    """A threaded loopback HTTP server with a request log and fault injection. Subclasses
    implement handle(request) -> (status, headers, body bytes), or None to close the connection
    without answering after doing the work (a lost answer)."""

    def __init__(self):
        self.requests = []
        self._faults = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # Fault injection: each call queues faults consumed by the next requests, in order.
    def fail_next(self, n, status, headers=None, body=b""):
        with self._lock:
            self._faults += [HookFault(status, headers, body) for _ in range(n)]

    def echo_next(self, n, status, make_body):
        """Answer the next `n` requests with `status` and the JSON (or bytes) that
        make_body(request) returns: a server that echoes what it was sent (the Authorization
        header, the URL, the body) into its error text."""
        with self._lock:
            self._faults += [HookFault(status, echo=make_body) for _ in range(n)]

    def delay_next(self, n, seconds):
        with self._lock:
            self._faults += [HookFault(delay=seconds) for _ in range(n)]

    def drop_next(self, n):
        """Read the request, then close the connection without answering."""
        with self._lock:
            self._faults += [HookFault(close=True) for _ in range(n)]

    def handle(self, request):
        raise NotImplementedError

    def _read_body(self, handler):
        if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(handler.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += handler.rfile.read(size)
                handler.rfile.readline()
        length = int(handler.headers.get("Content-Length") or 0)
        return handler.rfile.read(length) if length else b""

    def _serve(self, handler):
        body = self._read_body(handler)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        request = HookRequest(handler.command, handler.path, headers, body)
        with self._lock:
            self.requests.append(request)
            fault = self._faults.pop(0) if self._faults else None
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.close:
            self._hang_up(handler)
            return
        if fault and fault.echo is not None:
            made = fault.echo(request)
            out_body = made if isinstance(made, bytes) else json.dumps(made).encode()
            status, out_headers = fault.status, {"Content-Type": "application/json"}
        elif fault and fault.status is not None:
            status, out_headers, out_body = fault.status, fault.headers, fault.body
            out_headers.setdefault("Content-Type", "application/json")
        else:
            answer = self.handle(request)
            if answer is None:
                self._hang_up(handler)
                return
            status, out_headers, out_body = answer
        handler.send_response(status)
        for name, value in out_headers.items():
            handler.send_header(name, value)
        if status not in (204, 304):
            handler.send_header("Content-Length", str(len(out_body)))
        handler.end_headers()
        if status not in (204, 304):
            handler.wfile.write(out_body)

    @staticmethod
    def _hang_up(handler):
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _json_answer(status, document, headers=None):
    out = {"Content-Type": "application/json"}
    out.update(headers or {})
    return status, out, json.dumps(document).encode()
