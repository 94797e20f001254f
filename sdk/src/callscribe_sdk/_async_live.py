"""Asyncio live sockets (mirror of ``_sync_live``): a reader task turns messages into typed
events, calls the subscribed callbacks (plain or ``async``) and queues the events for
``async for``. Every task is owned and awaited by the object that started it."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import AsyncIterable, AsyncIterator, Generator, Iterable, Mapping
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from callscribe_sdk._aresources import AsyncConversation
from callscribe_sdk._async_http import AsyncHTTP
from callscribe_sdk._audio import AudioFormat, pace_delay
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
        return await connect(
            url, ssl=settings.ssl_context(), open_timeout=settings.timeout, max_size=None
        )
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise ConnectError(f"could not open {settings.base_url}{path}: {exc}") from exc


class AsyncLiveSocket:
    """Events of one socket for callbacks and for one ``async for`` consumer; callbacks
    subscribed late first get the events they missed."""

    def __init__(self, ws: ClientConnection, early: Iterable[LiveEvent] = ()) -> None:
        self._ws = ws
        self._callbacks = Callbacks()
        self._lock = asyncio.Lock()  # held while delivering: callbacks see one order
        self._history: list[LiveEvent] = []
        self._queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue()
        self._early = list(early)
        self._last_error: ErrorEvent | None = None
        self._failure: BaseException | None = None
        self.done = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="callscribe-live")

    async def _run(self) -> None:
        try:
            for event in self._early:
                await self._deliver(event)
            async for message in self._ws:
                await self._deliver(decode(message))
        except ConnectionClosed:
            pass
        finally:
            self._queue.put_nowait(None)
            self.done.set()

    async def _deliver(self, event: LiveEvent) -> None:
        if isinstance(event, ErrorEvent):
            self._last_error = event
        self._queue.put_nowait(event)
        async with self._lock:
            self._history.append(event)
            await self._call(self._callbacks, event)

    async def _call(self, callbacks: Callbacks, event: LiveEvent) -> None:
        for fn in callbacks.matching(event):
            try:
                result = fn(event)
                if inspect.isawaitable(result):
                    await result
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
        while True:
            try:
                event = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                raise Timeout(f"no live event for {timeout:g} s") from None
            if event is None:
                self._queue.put_nowait(None)
                self.raise_failure()
                return
            yield event

    async def wait(self, timeout: float | None = None) -> None:
        try:
            await asyncio.wait_for(self.done.wait(), timeout)
        except TimeoutError:
            raise Timeout(f"the live conversation did not end within {timeout:g} s") from None
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
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


class _AsyncLive:
    async def _socket(self) -> AsyncLiveSocket:
        raise NotImplementedError

    async def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        """Call ``callbacks[kind](event)`` (plain or ``async`` functions) for each live event."""
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
    """Audio streamed to ``/v1/streaming/{connectionId}``. ``await`` it, or ``async with``
    it, to open the stream; sending runs in a task that :meth:`aclose` awaits."""

    def __init__(
        self,
        http: AsyncHTTP,
        connection_id: str,
        fmt: AudioFormat,
        chunks: Iterable[bytes] | AsyncIterable[bytes],
        start: dict[str, Any],
        *,
        realtime: bool,
    ) -> None:
        self.connection_id = connection_id
        self._http = http
        self._fmt = fmt
        self._chunks = chunks
        self._start = start
        self._realtime = realtime
        self._stopping = asyncio.Event()
        self._live: AsyncLiveSocket | None = None
        self._sender: asyncio.Task[None] | None = None
        self._conversation: AsyncConversation | None = None

    async def start(self) -> AsyncStream:
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
        self._sender = asyncio.create_task(self._send(), name="callscribe-send")
        return self

    def __await__(self) -> Generator[Any, None, AsyncStream]:
        return self.start().__await__()

    async def _handshake(self, ws: ClientConnection) -> list[LiveEvent]:
        with contextlib.suppress(ConnectionClosed):  # refused at once: the reads say why
            await ws.send(json.dumps(self._start))
        early: list[LiveEvent] = []
        deadline = time.monotonic() + max(self._http.settings.timeout, 30.0)
        while True:
            try:
                message = await asyncio.wait_for(ws.recv(), max(0.0, deadline - time.monotonic()))
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
            raise RuntimeError("the stream has not started: await it or use 'async with'")
        return self._conversation

    @property
    def conversation_id(self) -> str:
        return self.conversation.conversation_id

    async def _chunk_iter(self) -> AsyncIterator[bytes]:
        if isinstance(self._chunks, AsyncIterable):
            async for chunk in self._chunks:
                yield chunk
        else:
            for chunk in self._chunks:
                yield chunk

    async def _send(self) -> None:
        began, sent = time.monotonic(), 0
        try:
            async for chunk in self._chunk_iter():
                if self._stopping.is_set():
                    break
                if not chunk:
                    continue
                await self._ws.send(bytes(chunk))
                sent += len(chunk)
                delay = (
                    pace_delay(self._fmt, sent, time.monotonic() - began) if self._realtime else 0
                )
                if delay:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stopping.wait(), delay)
            await self._ws.send(json.dumps(STOP_REQUEST))
        except ConnectionClosed:
            return
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
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender

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
    """A phone or SIP call the server has dialled (asyncio); see :class:`Connection`."""

    def __init__(self, http: AsyncHTTP, started: ConnectionStarted) -> None:
        self._http = http
        self.connection_id = started.connection_id
        self.conversation_id = started.conversation_id
        self.result_websocket_url = started.result_web_socket_url
        self.event_url = started.event_url
        self.conversation = AsyncConversation(http, started.conversation_id)
        self._opened: AsyncLiveSocket | None = None
        self._open_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"AsyncConnection({self.connection_id!r}, conversation_id={self.conversation_id!r})"

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
        body = await self._http.request("GET", f"/v1/endpoint/{self.connection_id}")
        return ConnectionState.model_validate(body)

    async def aclose(self) -> None:
        """Stop listening (the call goes on until :meth:`stop` or the far end hangs up)."""
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
