"""Live sockets: a reader turns messages into typed events, calls the subscribed callbacks
(plain or ``async`` functions in asyncio code) and queues the events for iteration.

A stream also sends audio (from a sender beside the reader); a connection (a phone or SIP
call) only listens, on ``/v1/subscribe/{connectionId}``. Each reader and sender is owned and
stopped by the object that started it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Generator, Iterable, Mapping
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from callscribe_sdk._async.http import AsyncHTTP
from callscribe_sdk._async.resources import AsyncConversation
from callscribe_sdk._audio import AudioFormat, Chunks, pace_delay
from callscribe_sdk._backend_async import (
    ClientConnection,
    Event,
    Lock,
    Queue,
    Worker,
    call,
    iterate,
    open_websocket,
    recv,
)
from callscribe_sdk._bodies import STOP_REQUEST
from callscribe_sdk._exceptions import ConnectError, StreamError, Timeout
from callscribe_sdk._live import Callback, Callbacks, decode, refusal
from callscribe_sdk._telephony import speaker_event, stop_body
from callscribe_sdk.models import ConnectionStarted, ConnectionState, ConnectionStopped
from callscribe_sdk.models.events import ErrorEvent, LiveEvent, RecognitionStarted


async def open_socket(http: AsyncHTTP, path: str) -> ClientConnection:
    settings = http.settings
    url = settings.ws_url(path, await http.token())
    try:
        return await open_websocket(url, ssl=settings.ssl_context(), open_timeout=settings.timeout)
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise ConnectError(f"could not open {settings.base_url}{path}: {exc}") from exc


class AsyncLiveSocket:
    """Events of one socket: callbacks (``subscribe``) and iteration (``events``) both see
    every event; iteration is meant for one consumer. Callbacks subscribed late first get the
    events they missed, so none is lost to a race."""

    def __init__(self, ws: ClientConnection, early: Iterable[LiveEvent] = ()) -> None:
        self._ws = ws
        self._callbacks = Callbacks()
        self._lock = Lock()  # held while delivering: callbacks see one order
        self._history: list[LiveEvent] = []
        self._queue: Queue[LiveEvent | None] = Queue()  # None: the socket closed
        self._early = list(early)
        self._last_error: ErrorEvent | None = None
        self._failure: BaseException | None = None  # a callback's or the sender's exception
        self.done = Event()
        self._reader = Worker(self._run, name="callscribe-live")
        self._reader.start()

    async def _run(self) -> None:
        try:
            for event in self._early:
                await self._deliver(event)
            async for message in self._ws:
                await self._deliver(decode(message))
        except ConnectionClosed:
            pass
        finally:
            self._queue.put(None)
            self.done.set()

    async def _deliver(self, event: LiveEvent) -> None:
        if isinstance(event, ErrorEvent):
            self._last_error = event
        self._queue.put(event)
        async with self._lock:
            self._history.append(event)
            await self._call(self._callbacks, event)

    async def _call(self, callbacks: Callbacks, event: LiveEvent) -> None:
        for fn in callbacks.matching(event):
            try:
                await call(fn, event)
            except Exception as exc:  # a user's callback: keep reading, report it at the end
                self.fail(exc)

    def fail(self, exc: BaseException) -> None:
        if self._failure is None:
            self._failure = exc

    async def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        late = Callbacks()
        late.add(callbacks)
        async with self._lock:
            for event in self._history:
                await self._call(late, event)
            self._callbacks.add(callbacks)

    async def events(self, timeout: float | None = None) -> AsyncIterator[LiveEvent]:
        """Events until the socket closes; :class:`Timeout` if none arrives for ``timeout`` s."""
        while True:
            try:
                event = await self._queue.get(timeout)
            except TimeoutError:
                raise Timeout(f"no live event for {timeout:g} s") from None
            if event is None:
                self._queue.put(None)  # later calls end at once too
                self.raise_failure()
                return
            yield event

    async def wait(self, timeout: float | None = None) -> None:
        if not await self.done.wait(timeout):
            raise Timeout(f"the live conversation did not end within {timeout:g} s")
        self.raise_failure()

    def raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        error = refusal(self._ws.close_code, self._last_error)
        if error is not None:
            raise error

    async def aclose(self) -> None:
        await self._ws.close()
        await self._reader.stop()


class _AsyncLive:
    """The callback and iterator surface shared by streams and calls."""

    async def _socket(self) -> AsyncLiveSocket:
        raise NotImplementedError

    async def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        """Call ``callbacks[kind](event)`` for each live event, e.g. ``{"message_response":
        on_messages, "insight_response": on_insights}`` (from a background thread in blocking
        code; plain or ``async`` functions in asyncio code)."""
        await (await self._socket()).subscribe(callbacks)

    async def events(self, timeout: float | None = None) -> AsyncIterator[LiveEvent]:
        """Typed live events until the conversation is completed."""
        async for event in (await self._socket()).events(timeout):
            yield event

    def __aiter__(self) -> AsyncIterator[LiveEvent]:
        return self.events()

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until the live socket closes (the conversation is over)."""
        await (await self._socket()).wait(timeout)


class AsyncStream(_AsyncLive):
    """Audio streamed to ``/v1/streaming/{connectionId}`` and its live results. The blocking
    client opens it before returning it; in asyncio ``await`` it, or ``async with`` it."""

    def __init__(
        self,
        http: AsyncHTTP,
        connection_id: str,
        fmt: AudioFormat,
        chunks: Chunks,
        start: dict[str, Any],
        *,
        realtime: bool,
    ) -> None:
        self.connection_id = connection_id
        self._http = http
        self._fmt = fmt
        self._chunks = iterate(chunks)
        self._start = start
        self._realtime = realtime
        self._stopping = Event()
        self._live: AsyncLiveSocket | None = None
        self._sender: Worker | None = None
        self._conversation: AsyncConversation | None = None

    async def start(self) -> AsyncStream:
        """Open the socket and start recognition (once; later calls return at once)."""
        if self._live is not None:
            return self
        ws = await open_socket(self._http, f"/v1/streaming/{self.connection_id}")
        try:
            early = await self._handshake(ws)
        except BaseException:
            await ws.close()
            raise
        self._ws = ws
        self._live = AsyncLiveSocket(ws, early)
        self._sender = Worker(self._send, name="callscribe-send")
        self._sender.start()
        return self

    # unasync: async-only
    def __await__(self) -> Generator[Any, None, AsyncStream]:
        return self.start().__await__()

    # unasync: end
    async def _handshake(self, ws: ClientConnection) -> list[LiveEvent]:
        """Send ``start_request``; read until ``recognition_started`` names the conversation."""
        with contextlib.suppress(ConnectionClosed):  # refused at once: the reads say why
            await ws.send(json.dumps(self._start))
        early: list[LiveEvent] = []
        deadline = time.monotonic() + max(self._http.settings.timeout, 30.0)
        while True:
            try:
                message = await recv(ws, max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise Timeout("the server did not start recognition in time") from None
            except ConnectionClosed as exc:
                last = next((e for e in reversed(early) if isinstance(e, ErrorEvent)), None)
                raise refusal(exc.rcvd.code if exc.rcvd else 1011, last) or StreamError(
                    "the server closed the stream before it started", reason="closed"
                ) from exc
            event = decode(message)
            early.append(event)
            if isinstance(event, RecognitionStarted) and event.conversation_id:
                self._conversation = AsyncConversation(self._http, event.conversation_id)
                return early

    @property
    def conversation(self) -> AsyncConversation:
        """The conversation being built (known once the stream has started)."""
        if self._conversation is None:
            raise RuntimeError(
                "the stream has not started: call start() (in asyncio, await the stream)"
            )
        return self._conversation

    @property
    def conversation_id(self) -> str:
        return self.conversation.conversation_id

    async def _send(self) -> None:
        began, sent = time.monotonic(), 0
        try:
            async for chunk in self._chunks:
                if self._stopping.is_set():
                    break
                if not chunk:
                    continue
                await self._ws.send(bytes(chunk))
                sent += len(chunk)
                if self._realtime:
                    delay = pace_delay(self._fmt, sent, time.monotonic() - began)
                    if delay and await self._stopping.wait(delay):
                        break
            await self._ws.send(json.dumps(STOP_REQUEST))
        except ConnectionClosed:
            return  # the reader reports why the socket closed
        except Exception as exc:  # the caller's audio iterable failed: stop, then report it
            if self._live is not None:
                self._live.fail(exc)
            await self._ws.close()

    async def _socket(self) -> AsyncLiveSocket:
        await self.start()
        if self._live is None:  # start() sets it or raises
            raise RuntimeError("the stream did not start")
        return self._live

    def stop(self) -> None:
        """Stop sending audio now; the server finishes and completes the conversation."""
        self._stopping.set()

    async def aclose(self) -> None:
        self._stopping.set()
        if self._live is not None:
            await self._live.aclose()
        if self._sender is not None:
            await self._sender.stop()

    async def __aenter__(self) -> AsyncStream:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncConnection(_AsyncLive):
    """A phone or SIP call the server has dialled; listen with :meth:`subscribe` or
    :meth:`events` (the live socket opens on first use), end it with :meth:`stop`."""

    def __init__(self, http: AsyncHTTP, started: ConnectionStarted) -> None:
        self._http = http
        self.connection_id = started.connection_id
        self.conversation_id = started.conversation_id
        self.result_websocket_url = started.result_web_socket_url
        self.event_url = started.event_url
        self.conversation = AsyncConversation(http, started.conversation_id)
        self._opened: AsyncLiveSocket | None = None
        self._open_lock = Lock()

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.connection_id!r}, conversation_id={self.conversation_id!r})"

    async def _socket(self) -> AsyncLiveSocket:
        async with self._open_lock:
            if self._opened is None:
                ws = await open_socket(self._http, f"/v1/subscribe/{self.connection_id}")
                self._opened = AsyncLiveSocket(ws)
            return self._opened

    async def stop(self) -> ConnectionStopped:
        """Hang up; the server finalises the conversation and runs the ``stop`` actions."""
        body = await self._http.request(
            "POST", "/v1/endpoint:connect", json=stop_body(self.connection_id)
        )
        return ConnectionStopped.model_validate(body)

    async def speaker_started(
        self,
        *,
        user_id: str | None = None,
        name: str | None = None,
        email: str | None = None,
        timestamp: str | None = None,
    ) -> None:
        """Attribute the speech that follows to this person (e.g. from a meeting's roster)."""
        body = speaker_event(
            "started_speaking", user_id=user_id, name=name, email=email, timestamp=timestamp
        )
        await self._http.request("POST", f"/v1/event/{self.connection_id}", json=body)

    async def speaker_stopped(
        self,
        *,
        user_id: str | None = None,
        name: str | None = None,
        email: str | None = None,
        timestamp: str | None = None,
    ) -> None:
        body = speaker_event(
            "stopped_speaking", user_id=user_id, name=name, email=email, timestamp=timestamp
        )
        await self._http.request("POST", f"/v1/event/{self.connection_id}", json=body)

    async def state(self) -> ConnectionState:
        """The call's state and, once it is over, why it ended."""
        body = await self._http.request("GET", f"/v1/endpoint/{self.connection_id}")
        return ConnectionState.model_validate(body)

    async def aclose(self) -> None:
        """Stop listening (the call goes on until :meth:`stop` or the far end hangs up)."""
        async with self._open_lock:
            opened, self._opened = self._opened, None
        if opened is not None:
            await opened.aclose()

    async def __aenter__(self) -> AsyncConnection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


__all__ = ["AsyncConnection", "AsyncLiveSocket", "AsyncStream"]
