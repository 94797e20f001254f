# Generated from callscribe_sdk/_async/live.py by scripts/generate_sync_sdk.py:
# edit that file and run the script (the test suite fails when this one differs).
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
from collections.abc import Iterator, Generator, Iterable, Mapping
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from callscribe_sdk._sync.http import SyncHTTP
from callscribe_sdk._sync.resources import Conversation
from callscribe_sdk._audio import AudioFormat, Chunks, pace_delay
from callscribe_sdk._backend_sync import (
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


def open_socket(http: SyncHTTP, path: str) -> ClientConnection:
    settings = http.settings
    url = settings.ws_url(path, http.token())
    try:
        return open_websocket(url, ssl=settings.ssl_context(), open_timeout=settings.timeout)
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise ConnectError(f"could not open {settings.base_url}{path}: {exc}") from exc


class LiveSocket:
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

    def _run(self) -> None:
        try:
            for event in self._early:
                self._deliver(event)
            for message in self._ws:
                self._deliver(decode(message))
        except ConnectionClosed:
            pass
        finally:
            self._queue.put(None)
            self.done.set()

    def _deliver(self, event: LiveEvent) -> None:
        if isinstance(event, ErrorEvent):
            self._last_error = event
        self._queue.put(event)
        with self._lock:
            self._history.append(event)
            self._call(self._callbacks, event)

    def _call(self, callbacks: Callbacks, event: LiveEvent) -> None:
        for fn in callbacks.matching(event):
            try:
                call(fn, event)
            except Exception as exc:  # a user's callback: keep reading, report it at the end
                self.fail(exc)

    def fail(self, exc: BaseException) -> None:
        if self._failure is None:
            self._failure = exc

    def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        late = Callbacks()
        late.add(callbacks)
        with self._lock:
            for event in self._history:
                self._call(late, event)
            self._callbacks.add(callbacks)

    def events(self, timeout: float | None = None) -> Iterator[LiveEvent]:
        """Events until the socket closes; :class:`Timeout` if none arrives for ``timeout`` s."""
        while True:
            try:
                event = self._queue.get(timeout)
            except TimeoutError:
                raise Timeout(f"no live event for {timeout:g} s") from None
            if event is None:
                self._queue.put(None)  # later calls end at once too
                self.raise_failure()
                return
            yield event

    def wait(self, timeout: float | None = None) -> None:
        if not self.done.wait(timeout):
            raise Timeout(f"the live conversation did not end within {timeout:g} s")
        self.raise_failure()

    def raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        error = refusal(self._ws.close_code, self._last_error)
        if error is not None:
            raise error

    def close(self) -> None:
        self._ws.close()
        self._reader.stop()


class _Live:
    """The callback and iterator surface shared by streams and calls."""

    def _socket(self) -> LiveSocket:
        raise NotImplementedError

    def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        """Call ``callbacks[kind](event)`` for each live event, e.g. ``{"message_response":
        on_messages, "insight_response": on_insights}`` (from a background thread in blocking
        code; plain or ``async`` functions in asyncio code)."""
        (self._socket()).subscribe(callbacks)

    def events(self, timeout: float | None = None) -> Iterator[LiveEvent]:
        """Typed live events until the conversation is completed."""
        for event in (self._socket()).events(timeout):
            yield event

    def __iter__(self) -> Iterator[LiveEvent]:
        return self.events()

    def wait(self, timeout: float | None = None) -> None:
        """Wait until the live socket closes (the conversation is over)."""
        (self._socket()).wait(timeout)


class Stream(_Live):
    """Audio streamed to ``/v1/streaming/{connectionId}`` and its live results. The blocking
    client opens it before returning it; in asyncio ``await`` it, or ``async with`` it."""

    def __init__(
        self,
        http: SyncHTTP,
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
        self._live: LiveSocket | None = None
        self._sender: Worker | None = None
        self._conversation: Conversation | None = None

    def start(self) -> Stream:
        """Open the socket and start recognition (once; later calls return at once)."""
        if self._live is not None:
            return self
        ws = open_socket(self._http, f"/v1/streaming/{self.connection_id}")
        try:
            early = self._handshake(ws)
        except BaseException:
            ws.close()
            raise
        self._ws = ws
        self._live = LiveSocket(ws, early)
        self._sender = Worker(self._send, name="callscribe-send")
        self._sender.start()
        return self

    def _handshake(self, ws: ClientConnection) -> list[LiveEvent]:
        """Send ``start_request``; read until ``recognition_started`` names the conversation."""
        with contextlib.suppress(ConnectionClosed):  # refused at once: the reads say why
            ws.send(json.dumps(self._start))
        early: list[LiveEvent] = []
        deadline = time.monotonic() + max(self._http.settings.timeout, 30.0)
        while True:
            try:
                message = recv(ws, max(0.0, deadline - time.monotonic()))
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
                self._conversation = Conversation(self._http, event.conversation_id)
                return early

    @property
    def conversation(self) -> Conversation:
        """The conversation being built (known once the stream has started)."""
        if self._conversation is None:
            raise RuntimeError(
                "the stream has not started: call start() (in asyncio, await the stream)"
            )
        return self._conversation

    @property
    def conversation_id(self) -> str:
        return self.conversation.conversation_id

    def _send(self) -> None:
        began, sent = time.monotonic(), 0
        try:
            for chunk in self._chunks:
                if self._stopping.is_set():
                    break
                if not chunk:
                    continue
                self._ws.send(bytes(chunk))
                sent += len(chunk)
                if self._realtime:
                    delay = pace_delay(self._fmt, sent, time.monotonic() - began)
                    if delay and self._stopping.wait(delay):
                        break
            self._ws.send(json.dumps(STOP_REQUEST))
        except ConnectionClosed:
            return  # the reader reports why the socket closed
        except Exception as exc:  # the caller's audio iterable failed: stop, then report it
            if self._live is not None:
                self._live.fail(exc)
            self._ws.close()

    def _socket(self) -> LiveSocket:
        self.start()
        if self._live is None:  # start() sets it or raises
            raise RuntimeError("the stream did not start")
        return self._live

    def stop(self) -> None:
        """Stop sending audio now; the server finishes and completes the conversation."""
        self._stopping.set()

    def close(self) -> None:
        self._stopping.set()
        if self._live is not None:
            self._live.close()
        if self._sender is not None:
            self._sender.stop()

    def __enter__(self) -> Stream:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Connection(_Live):
    """A phone or SIP call the server has dialled; listen with :meth:`subscribe` or
    :meth:`events` (the live socket opens on first use), end it with :meth:`stop`."""

    def __init__(self, http: SyncHTTP, started: ConnectionStarted) -> None:
        self._http = http
        self.connection_id = started.connection_id
        self.conversation_id = started.conversation_id
        self.result_websocket_url = started.result_web_socket_url
        self.event_url = started.event_url
        self.conversation = Conversation(http, started.conversation_id)
        self._opened: LiveSocket | None = None
        self._open_lock = Lock()

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}({self.connection_id!r}, conversation_id={self.conversation_id!r})"

    def _socket(self) -> LiveSocket:
        with self._open_lock:
            if self._opened is None:
                ws = open_socket(self._http, f"/v1/subscribe/{self.connection_id}")
                self._opened = LiveSocket(ws)
            return self._opened

    def stop(self) -> ConnectionStopped:
        """Hang up; the server finalises the conversation and runs the ``stop`` actions."""
        body = self._http.request(
            "POST", "/v1/endpoint:connect", json=stop_body(self.connection_id)
        )
        return ConnectionStopped.model_validate(body)

    def speaker_started(
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
        self._http.request("POST", f"/v1/event/{self.connection_id}", json=body)

    def speaker_stopped(
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
        self._http.request("POST", f"/v1/event/{self.connection_id}", json=body)

    def state(self) -> ConnectionState:
        """The call's state and, once it is over, why it ended."""
        body = self._http.request("GET", f"/v1/endpoint/{self.connection_id}")
        return ConnectionState.model_validate(body)

    def close(self) -> None:
        """Stop listening (the call goes on until :meth:`stop` or the far end hangs up)."""
        with self._open_lock:
            opened, self._opened = self._opened, None
        if opened is not None:
            opened.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["Connection", "LiveSocket", "Stream"]
