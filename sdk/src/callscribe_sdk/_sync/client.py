# Generated from callscribe_sdk/_async/client.py by scripts/generate_sync_sdk.py:
# edit that file and run the script (the test suite fails when this one differs).
"""The client: every API of a callscribe server behind one object."""

from __future__ import annotations

import os
import ssl
import uuid
from collections.abc import Iterator, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from callscribe_sdk import _bodies, _parse, _telephony
from callscribe_sdk._sync.http import SyncHTTP
from callscribe_sdk._sync.live import Connection, Stream
from callscribe_sdk._sync.resources import Conversation, Job
from callscribe_sdk._audio import AudioInput, open_audio
from callscribe_sdk._backend_sync import run_blocking
from callscribe_sdk._bodies import INSIGHT_TYPES, TextMessage
from callscribe_sdk._http import Settings
from callscribe_sdk.models import ConnectionStarted, ConversationInfo, JobAccepted

_CHUNK = 1 << 16


class Client:
    """A callscribe server. ``Client`` is for blocking code, ``AsyncClient`` for asyncio;
    they have the same methods (``await`` each of ``AsyncClient``'s).

    Tokens are fetched with ``app_id``/``app_secret`` on first use and replaced before they
    expire; transient failures are retried (``max_retries``). Use it as a context manager,
    or close it (``close()``; ``await aclose()`` in asyncio).
    """

    def __init__(
        self,
        base_url: str | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        *,
        access_token: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        verify: bool | ssl.SSLContext = True,
        http_client: httpx.Client | None = None,
    ) -> None:
        settings = Settings.resolve(
            base_url, app_id, app_secret, access_token, timeout, max_retries, verify
        )
        self._http = SyncHTTP(settings, http_client)

    @property
    def base_url(self) -> str:
        return self._http.settings.base_url

    def access_token(self) -> str:
        """A currently valid token (for calling the API some other way)."""
        return self._http.token()

    # --- Conversation API -------------------------------------------------------------------

    def conversation(self, conversation_id: str) -> Conversation:
        """A handle on one conversation's results (no request is made yet)."""
        return Conversation(self._http, conversation_id)

    def conversations(self, *, limit: int = 100, offset: int = 0) -> list[ConversationInfo]:
        """This app's conversations, newest first."""
        params = {"limit": limit, "offset": offset}
        return _parse.conversations(
            self._http.request("GET", "/v1/conversations", params=params)
        )

    # --- Async API ----------------------------------------------------------------------------

    def job(self, job_id: str, conversation_id: str) -> Job:
        return Job(self._http, job_id, conversation_id)

    def _job(self, body: Any) -> Job:
        accepted = JobAccepted.model_validate(body)
        return Job(self._http, accepted.job_id, accepted.conversation_id)

    def process_text(
        self,
        messages: Iterable[TextMessage | Mapping[str, Any] | str],
        *,
        name: str | None = None,
        detect_phrases: bool = False,
        trackers: Mapping[str, Sequence[str]] | None = None,
        confidence_threshold: float | None = None,
        webhook_url: str | None = None,
    ) -> Job:
        """Analyse a conversation given as text messages; ``job.wait()`` for the results."""
        body = _bodies.text_body(
            messages,
            name=name,
            detect_phrases=detect_phrases,
            trackers=trackers,
            confidence_threshold=confidence_threshold,
            webhook_url=webhook_url,
        )
        return self._job(self._http.request("POST", "/v1/process/text", json=body))

    def append_text(
        self,
        conversation_id: str,
        messages: Iterable[TextMessage | Mapping[str, Any] | str],
        *,
        webhook_url: str | None = None,
    ) -> Job:
        """Add messages to a text conversation and process it again."""
        body = _bodies.text_body(messages, webhook_url=webhook_url)
        body = {k: v for k, v in body.items() if k in ("messages", "webhookUrl")}
        path = f"/v1/process/text/{conversation_id}"
        return self._job(self._http.request("PUT", path, json=body))

    def process_audio_file(
        self,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        content_type: str | None = None,
        detect_phrases: bool = False,
        webhook_url: str | None = None,
        keep_audio: bool | None = None,
    ) -> Job:
        """Upload a recording (any format the server decodes: WAV, MP3, M4A, Ogg, FLAC…).
        ``keep_audio``: keep it as the conversation's audio (``conversation.download_audio``);
        None: as the server's ``KEEP_AUDIO`` says."""
        file = Path(path)
        if not run_blocking(file.is_file):
            raise ValueError(f"path: {file} is not a file")
        headers = {"content-type": content_type or _bodies.content_type_for(file.suffix)}
        params = _bodies.audio_params(
            name if name is not None else file.stem, detect_phrases, webhook_url, keep_audio
        )
        fh = run_blocking(_open_binary, file)
        try:
            body = self._http.request(
                "POST",
                "/v1/process/audio",
                params=params,
                headers=headers,
                content=lambda: _chunks(fh),
                timeout=max(self._http.settings.timeout, 300.0),
            )
        finally:
            run_blocking(fh.close)
        return self._job(body)

    def process_audio_url(
        self,
        url: str,
        *,
        name: str | None = None,
        detect_phrases: bool = False,
        trackers: Mapping[str, Sequence[str]] | None = None,
        confidence_threshold: float | None = None,
        webhook_url: str | None = None,
        keep_audio: bool | None = None,
    ) -> Job:
        """Have the server fetch a recording by URL (it must be on the server's allow-list);
        ``keep_audio`` as for :meth:`process_audio_file`."""
        body = _bodies.audio_url_body(
            url,
            name=name,
            detect_phrases=detect_phrases,
            trackers=trackers,
            confidence_threshold=confidence_threshold,
            webhook_url=webhook_url,
        )
        params = None if keep_audio is None else {"keepAudio": "true" if keep_audio else "false"}
        return self._job(
            self._http.request("POST", "/v1/process/audio/url", json=body, params=params)
        )

    # --- Streaming API ------------------------------------------------------------------------

    def stream(
        self,
        audio: AudioInput,
        *,
        sample_rate: int | None = None,
        channels: int = 1,
        encoding: str = "LINEAR16",
        name: str | None = None,
        speaker_name: str | None = None,
        speaker_user_id: str | None = None,
        insight_types: Sequence[str] = INSIGHT_TYPES,
        trackers: Mapping[str, Sequence[str]] | None = None,
        connection_id: str | None = None,
        realtime: bool = False,
        chunk_ms: int = 100,
        keep_audio: bool | None = None,
    ) -> Stream:
        """Stream audio (a WAV path, PCM bytes, or an iterable of PCM chunks) and receive live
        events. The blocking client returns it open (recognition started); in asyncio
        ``await`` it, or ``async with`` it, to open it. Sending goes on in the background (at
        the audio's own pace with ``realtime=True``); an async iterable of chunks needs the
        asyncio client. ``keep_audio``: keep the stream's audio (None: the server's default).
        """
        fmt, chunks = open_audio(
            audio, sample_rate=sample_rate, channels=channels, encoding=encoding, chunk_ms=chunk_ms
        )
        start = _bodies.start_request(
            encoding=fmt.encoding,
            sample_rate=fmt.sample_rate,
            channels=fmt.channels,
            name=name,
            speaker_name=speaker_name,
            speaker_user_id=speaker_user_id,
            insight_types=insight_types,
            trackers=trackers,
            keep_audio=keep_audio,
        )
        stream = Stream(
            self._http, connection_id or str(uuid.uuid4()), fmt, chunks, start, realtime=realtime
        )
        stream.start()
        return stream  # noqa: RET504 (the blocking client starts it before returning it)

    # --- Telephony API ------------------------------------------------------------------------

    def connection(self, connection_id: str) -> Connection:
        """A call started earlier (by this program or another), to follow or stop it."""
        status = self._http.request("GET", f"/v1/endpoint/{connection_id}")
        started = ConnectionStarted(
            connection_id=connection_id, conversation_id=status["conversationId"]
        )
        return Connection(self._http, started)

    def _connect(self, body: dict[str, Any]) -> Connection:
        started = self._http.request("POST", "/v1/endpoint:connect", json=body)
        return Connection(self._http, ConnectionStarted.model_validate(started))

    def start_pstn(
        self,
        phone_number: str,
        *,
        dtmf: str | None = None,
        actions: Sequence[Mapping[str, Any]] | None = None,
        data: Mapping[str, Any] | None = None,
        name: str | None = None,
        summary_emails: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Connection:
        """Dial a phone number (through the server's SIP trunk), then key ``dtmf``.

        ``summary_emails`` adds Symbl's ``sendSummaryEmail`` action; ``name`` is the session
        name; ``options`` adds other start-request fields (``trackers``, ``insightTypes``,
        ``timezone``, ``languages``, ``pushSpeakerEvents``, ``keepAudio``) as the server
        spells them."""
        return self._connect(
            _telephony.pstn_body(
                phone_number,
                dtmf=dtmf,
                actions=actions,
                data=data,
                name=name,
                summary_emails=summary_emails,
                options=options,
            )
        )

    def start_sip(
        self,
        uri: str,
        *,
        dtmf: str | None = None,
        actions: Sequence[Mapping[str, Any]] | None = None,
        data: Mapping[str, Any] | None = None,
        name: str | None = None,
        summary_emails: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Connection:
        """Call a SIP URI directly (wideband audio)."""
        return self._connect(
            _telephony.sip_body(
                uri,
                dtmf=dtmf,
                actions=actions,
                data=data,
                name=name,
                summary_emails=summary_emails,
                options=options,
            )
        )

    def join_zoom(
        self,
        meeting_id: str,
        passcode: str | None = None,
        participant_id: str | None = None,
        *,
        phone_number: str | None = None,
        sip: bool = False,
        sip_uri: str | None = None,
        name: str | None = None,
        actions: Sequence[Mapping[str, Any]] | None = None,
        data: Mapping[str, Any] | None = None,
        summary_emails: Sequence[str] | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Connection:
        """Join a Zoom meeting by phone (``phone_number``: one of Zoom's dial-in numbers,
        keyed ``MEETING#,,#,,PASSCODE#``) or by SIP (``sip=True``: Zoom's room connector,
        ``MEETING.PASSCODE@zoomcrc.com``, or ``sip_uri`` for another bridge with the same
        prompts)."""
        name = name if name is not None else f"Zoom meeting {meeting_id}"
        if sip and sip_uri is None:
            return self.start_sip(
                _telephony.zoom_sip_uri(meeting_id, passcode),
                actions=actions,
                data=data,
                name=name,
                summary_emails=summary_emails,
                options=options,
            )
        dtmf = _telephony.zoom_dtmf(meeting_id, passcode, participant_id)
        if sip_uri is not None:
            return self.start_sip(
                sip_uri,
                dtmf=dtmf,
                actions=actions,
                data=data,
                name=name,
                summary_emails=summary_emails,
                options=options,
            )
        if phone_number is None:
            raise ValueError("join_zoom: give phone_number (Zoom's dial-in number) or sip=True")
        return self.start_pstn(
            phone_number,
            dtmf=dtmf,
            actions=actions,
            data=data,
            name=name,
            summary_emails=summary_emails,
            options=options,
        )

    # --- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    """The file from its start (each retry re-reads it); off the event loop in asyncio."""
    run_blocking(fh.seek, 0)
    while chunk := run_blocking(fh.read, _CHUNK):
        yield chunk


def _open_binary(file: Path) -> IO[bytes]:
    return file.open("rb")
