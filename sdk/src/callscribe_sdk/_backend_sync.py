"""The primitives the generated ``_sync`` modules run on: threads, with the names
``_backend_async`` gives asyncio (see there)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import AsyncIterable, Callable, Iterator
from ssl import SSLContext
from typing import Any, Generic, TypeVar

from websockets.sync.client import ClientConnection, connect

from callscribe_sdk._audio import Chunks

T = TypeVar("T")

# Re-entrant: a callback running under the delivery lock may subscribe more callbacks.
Lock = threading.RLock
Event = threading.Event


class Queue(Generic[T]):
    """An unbounded queue; ``get`` raises ``TimeoutError`` when nothing comes in time."""

    def __init__(self) -> None:
        self._queue: queue.Queue[T] = queue.Queue()

    def put(self, item: T) -> None:
        self._queue.put(item)

    def get(self, timeout: float | None = None) -> T:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None


class Worker:
    """Runs ``target`` on a daemon thread; :meth:`stop` waits for it to end (the owner first
    closes what it reads from or writes to, which ends it)."""

    def __init__(self, target: Callable[[], None], name: str) -> None:
        self._thread = threading.Thread(target=target, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def call(fn: Callable[..., Any], *args: Any) -> None:
    fn(*args)


def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


def iterate(chunks: Chunks) -> Iterator[bytes]:
    """Audio chunks; refused at once (not later on the sender thread) when async."""
    if isinstance(chunks, AsyncIterable):
        raise ValueError("audio: an async iterable needs AsyncClient.stream")
    return iter(chunks)


def open_websocket(url: str, *, ssl: SSLContext | None, open_timeout: float) -> ClientConnection:
    ws = connect(url, ssl=ssl, open_timeout=open_timeout, max_size=None)
    # The caller owns the socket from here and closes it: enter its context as
    # ``with connect(...)`` would (websockets warns about a socket used outside one).
    return ws.__enter__()


def recv(ws: ClientConnection, timeout: float) -> str | bytes:
    """The next message; ``TimeoutError`` if none comes in ``timeout`` seconds."""
    return ws.recv(timeout=timeout)


__all__ = [
    "ClientConnection",
    "Event",
    "Lock",
    "Queue",
    "Worker",
    "call",
    "iterate",
    "open_websocket",
    "recv",
    "run_blocking",
    "sleep",
]
