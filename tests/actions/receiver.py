"""A webhook receiver on 127.0.0.1 for tests: records every call, can fail the first ones."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    port: int = 0
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> how many 500s first
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def on(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]


@contextmanager
def webhook_receiver(fail_first: dict[str, int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(fail_first=dict(fail_first or {}))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                left = receiver.fail_first.get(self.path, 0)
                status = 500 if left > 0 else 200
                receiver.fail_first[self.path] = max(0, left - 1)
                receiver.calls.append(
                    Call(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status)
                )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
