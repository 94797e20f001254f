"""The primitives ``_async`` is written against, for asyncio.

``_async`` is the one hand-kept copy of the client; ``scripts/generate_sync_sdk.py``
generates ``_sync`` from it and swaps this module for ``_backend_sync``, which offers the
same names for threads.
Only what truly differs between the two lives here and there.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from ssl import SSLContext
from typing import Any, Generic, TypeVar

from websockets.asyncio.client import ClientConnection, connect

from callscribe_sdk._audio import Chunks

T = TypeVar("T")

Lock = asyncio.Lock


class Event:
    """A flag to wait on, with a timeout: ``wait`` says whether it was set in time."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Queue(Generic[T]):
    """An unbounded queue; ``get`` raises ``TimeoutError`` when nothing comes in time."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[T] = asyncio.Queue()

    def put(self, item: T) -> None:
        self._queue.put_nowait(item)

    async def get(self, timeout: float | None = None) -> T:
        return await asyncio.wait_for(self._queue.get(), timeout)


class Worker:
    """Runs ``target`` beside its owner (a task here, a thread in blocking code); the owner
    ends it with :meth:`stop`, so nothing is left running behind the client's back."""

    def __init__(self, target: Callable[[], Awaitable[None]], name: str) -> None:
        self._target = target
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        async def run() -> None:
            await self._target()

        self._task = asyncio.create_task(run(), name=self._name)

    async def stop(self) -> None:
        """Cancel the task and wait for it to unwind."""
        task = self._task
        if task is None or task is asyncio.current_task():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def call(fn: Callable[..., Any], *args: Any) -> None:
    """Call a user's callback, plain or ``async``."""
    result = fn(*args)
    if inspect.isawaitable(result):
        await result


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """File I/O and other blocking calls, off the event loop."""
    return await asyncio.to_thread(fn, *args)


def iterate(chunks: Chunks) -> AsyncIterator[bytes]:
    """Audio chunks from a plain or an async iterable."""
    if isinstance(chunks, AsyncIterable):
        return aiter(chunks)

    async def from_plain() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    return from_plain()


async def open_websocket(
    url: str, *, ssl: SSLContext | None, open_timeout: float
) -> ClientConnection:
    return await connect(url, ssl=ssl, open_timeout=open_timeout, max_size=None)


async def recv(ws: ClientConnection, timeout: float) -> str | bytes:
    """The next message; ``TimeoutError`` if none comes in ``timeout`` seconds."""
    return await asyncio.wait_for(ws.recv(), timeout)


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
