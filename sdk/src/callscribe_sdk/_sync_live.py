"""Blocking live sockets: a reader thread turns messages into typed events, calls the
subscribed callbacks and queues the events for iteration.

A :class:`Stream` also sends audio (from a sender thread); a :class:`Connection` (a phone or
SIP call) only listens, on ``/v1/subscribe/{connectionId}``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from callscribe_sdk._audio import AudioFormat, pace_delay
from callscribe_sdk._bodies import STOP_REQUEST
from callscribe_sdk._exceptions import ConnectError, StreamError, Timeout
from callscribe_sdk._live import Callback, Callbacks, decode, refusal
from callscribe_sdk._resources import Conversation
from callscribe_sdk._sync_http import SyncHTTP
from callscribe_sdk._telephony import speaker_event, stop_body
from callscribe_sdk.models import ConnectionStarted, ConnectionState, ConnectionStopped
from callscribe_sdk.models.events import ErrorEvent, LiveEvent, RecognitionStarted

_END = None


def open_socket(http: SyncHTTP, path: str) -> ClientConnection:
    settings = http.settings
    url = settings.ws_url(path, http.token())
    try:
        ws = connect(url, ssl=settings.ssl_context(), open_timeout=settings.timeout, max_size=None)
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise ConnectError(f"could not open {settings.base_url}{path}: {exc}") from exc
    # The caller owns the socket from here and closes it (``close()``): enter its context
    # as ``with connect(...)`` would.
    return ws.__enter__()


class LiveSocket:
    """Events of one socket: callbacks (``subscribe``) and iteration (``events``) both see
    every event; iteration is meant for one consumer. Callbacks subscribed late first get
    the events they missed (on the subscribing thread), so none is lost to a race."""

    def __init__(self, ws: ClientConnection, early: Iterable[LiveEvent] = ()) -> None:
        self._ws = ws
        self._callbacks = Callbacks()
        self._lock = threading.RLock()  # held while delivering: callbacks see one order
        self._history: list[LiveEvent] = []
        self._queue: queue.Queue[LiveEvent | None] = queue.Queue()
        self._early = list(early)
        self._last_error: ErrorEvent | None = None
        self._failure: BaseException | None = None  # a callback's or the sender's exception
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="callscribe-live", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for event in self._early:
                self._deliver(event)
            for message in self._ws:
                self._deliver(decode(message))
        except ConnectionClosed:
            pass
        finally:
            self._queue.put(_END)
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
                fn(event)
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
                event = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise Timeout(f"no live event for {timeout:g} s") from None
            if event is _END:
                self._queue.put(_END)  # later calls end at once too
                self.raise_failure()
                return
            yield event

    def wait(self, timeout: float | None = None) -> None:
        """Block until the socket closes (the conversation is over)."""
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
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


class _Live:
    """The callback and iterator surface shared by streams and calls."""

    _live: LiveSocket

    def subscribe(self, callbacks: Mapping[str, Callback]) -> None:
        """Call ``callbacks[kind](event)`` for each live event (from a background thread),
        e.g. ``{"message_response": on_messages, "insight_response": on_insights}``."""
        self._socket().subscribe(callbacks)

    def events(self, timeout: float | None = None) -> Iterator[LiveEvent]:
        """Typed live events until the conversation is completed."""
        return self._socket().events(timeout)

    def __iter__(self) -> Iterator[LiveEvent]:
        return self.events()

    def _socket(self) -> LiveSocket:
        return self._live


class Stream(_Live):
    """Audio streamed to ``/v1/streaming/{connectionId}`` and its live results."""

    def __init__(
        self,
        http: SyncHTTP,
        connection_id: str,
        fmt: AudioFormat,
        chunks: Iterable[bytes],
        start: dict[str, Any],
        *,
        realtime: bool,
    ) -> None:
        self.connection_id = connection_id
        self._http = http
        self._fmt = fmt
        self._chunks = chunks
        self._realtime = realtime
        self._stopping = threading.Event()
        ws = open_socket(http, f"/v1/streaming/{connection_id}")
        try:
            early = self._handshake(ws, start)
        except BaseException:
            ws.close()
            raise
        self._ws = ws
        self._live = LiveSocket(ws, early)
        self._sender = threading.Thread(target=self._send, name="callscribe-send", daemon=True)
        self._live.start()
        self._sender.start()

    def _handshake(self, ws: ClientConnection, start: dict[str, Any]) -> list[LiveEvent]:
        """Send ``start_request``; read until ``recognition_started`` names the conversation."""
        with contextlib.suppress(ConnectionClosed):  # refused at once: the reads say why
            ws.send(json.dumps(start))
        early: list[LiveEvent] = []
        deadline = time.monotonic() + max(self._http.settings.timeout, 30.0)
        while True:
            try:
                event = decode(ws.recv(timeout=max(0.0, deadline - time.monotonic())))
            except TimeoutError:
                raise Timeout("the server did not start recognition in time") from None
            except ConnectionClosed as exc:
                last = next((e for e in reversed(early) if isinstance(e, ErrorEvent)), None)
                raise refusal(exc.rcvd.code if exc.rcvd else 1011, last) or StreamError(
                    "the server closed the stream before it started", reason="closed"
                ) from exc
            early.append(event)
            if isinstance(event, RecognitionStarted) and event.conversation_id:
                self.conversation_id: str = event.conversation_id
                self.conversation = Conversation(self._http, event.conversation_id)
                return early

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
            self._live.fail(exc)
            self._ws.close()

    def stop(self) -> None:
        """Stop sending audio now; the server finishes and completes the conversation."""
        self._stopping.set()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the conversation is completed (all audio sent and recognised)."""
        self._live.wait(timeout)

    def close(self) -> None:
        self._stopping.set()
        self._live.close()
        self._sender.join(timeout=5)

    def __enter__(self) -> Stream:
        return self

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
        self._open_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Connection({self.connection_id!r}, conversation_id={self.conversation_id!r})"

    def _socket(self) -> LiveSocket:
        with self._open_lock:
            if self._opened is None:
                ws = open_socket(self._http, f"/v1/subscribe/{self.connection_id}")
                self._opened = LiveSocket(ws)
                self._opened.start()
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

    def wait(self, timeout: float | None = None) -> None:
        """Block until the live socket closes (the call ended and the conversation is done)."""
        self._socket().wait(timeout)

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
