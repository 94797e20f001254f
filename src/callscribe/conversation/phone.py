"""Placing calls for the Telephony API: one SIP user agent per process, many calls on it.

The user agent starts on the first call (binding its SIP port) and stops at shutdown. Each
call becomes a :class:`CallSession` registered as its connection's owner and run by the
registry's task group, so it outlives the request that started it; its status stays
queryable after it ends (the registry retains ended connections).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from callscribe.config import Settings
from callscribe.conversation.call import CallSession
from callscribe.conversation.connections import Connections
from callscribe.conversation.registry import LiveRegistry
from callscribe.errors import NotFound, ServiceError
from callscribe.log import get_logger
from callscribe.pipeline.announcements import Announcements
from callscribe.pipeline.deps import LiveDeps
from callscribe.pipeline.session import LiveSession
from callscribe.records import Conversation, Speaker, new_uuid
from callscribe.storage import Repository
from callscribe.telephony import (
    CallController,
    DtmfSequence,
    SipBackend,
    Target,
    TelephonyConfig,
    TrunkConfig,
    create_backend,
)
from callscribe.telephony.config import split_host_port
from callscribe.telephony.route import interface_for
from callscribe.telephony.targets import DialPlan, plan_dial

log = get_logger(__name__)


def telephony_config(settings: Settings) -> TelephonyConfig:
    """The telephony layer's view of the settings (trunk, allow-list, timeouts): the one
    place trunk settings are read (the settings parse the environment)."""
    trunk = None
    if settings.trunk_host:
        default_port = 5061 if settings.trunk_transport == "tls" else 5060
        host, port = split_host_port(settings.trunk_host, default_port)
        trunk = TrunkConfig(
            host=host,
            port=port,
            transport=settings.trunk_transport,
            username=settings.trunk_username,
            password=settings.trunk_password.get_secret_value() if settings.trunk_password else "",
            caller_id=settings.trunk_caller_id,
        )
    allow = tuple(p.strip() for p in settings.trunk_allow.split(",") if p.strip())
    return TelephonyConfig(  # raises ConfigError naming a bad value
        trunk=trunk,
        allow=allow,
        silence_timeout=settings.silence_timeout,
        max_call_seconds=settings.max_call_seconds or None,
        answer_timeout=settings.answer_timeout,
        media_timeout=settings.media_timeout,
        dtmf_mode=settings.dtmf_mode,
    )


class PhoneService:
    def __init__(
        self,
        settings: Settings,
        repository: Repository,
        registry: LiveRegistry,
        connections: Connections,
        deps: Callable[[], LiveDeps],
    ) -> None:
        self.config = telephony_config(settings)
        self._settings = settings
        self._repo = repository
        self._registry = registry
        self._connections = connections
        self._deps = deps
        self._backend: SipBackend | None = None
        self._backend_lock = asyncio.Lock()
        self._interface: str | None = None
        self.sip_error: str | None = None
        """Why the SIP user agent last failed to start (None: it did not fail)."""
        self.draining = False
        """This server is stopping: it places no new calls."""

    @property
    def sip_running(self) -> bool:
        return self._backend is not None

    def _new_backend(self, interface: str | None) -> SipBackend:
        return create_backend(
            "baresip",
            listen=self._settings.sip_listen,
            net_interface=interface,
            domain=self._settings.sip_domain,
            rtp_ports=self._settings.rtp_port_range,
        )

    async def backend(self, plan: DialPlan | None = None) -> SipBackend:
        """The SIP user agent, started on first use. Without ``SIP_INTERFACE`` its interface
        follows the route to the call's target (:mod:`~callscribe.telephony.route`): loopback
        for a peer on this machine, the network's otherwise; when a call needs the other one,
        the agent restarts on it if no call is in progress (else the dial says which setting
        to change)."""
        async with self._backend_lock:
            wanted = self._settings.sip_interface
            if wanted is None and plan is not None:
                wanted = await asyncio.to_thread(interface_for, plan)
            if (
                self._backend is not None
                and plan is not None
                and self._settings.sip_interface is None
                and wanted != self._interface
                and not any(kind == "call" for kind, _state in self._registry.states())
            ):
                log.info("SIP user agent moves", interface=wanted or "discovered")
                await self._backend.close()
                self._backend = None
            if self._backend is None:
                backend = self._new_backend(wanted)
                try:
                    await backend.start()
                except Exception as exc:
                    self.sip_error = str(exc)
                    raise
                self._backend, self._interface, self.sip_error = backend, wanted, None
                log.info(
                    "SIP user agent started",
                    listen=self._settings.sip_listen,
                    interface=wanted or "discovered",
                )
            return self._backend

    async def start_call(
        self,
        *,
        app_id: str,
        target: Target,
        dtmf: DtmfSequence,
        name: str,
        timezone: str,
        settings: dict[str, Any],
        insight_types: list[str],
        keep_audio: bool = False,
        language: str | None = "en",
    ) -> CallSession:
        """Validate, create the conversation, and place the call in the background
        (``keep_audio``: record what the call hears; ``language``: what is spoken, ISO
        639-1, None to detect it)."""
        plan = plan_dial(target, self.config)  # ValidationFailed (400) before anything is made
        if self.draining:
            raise ServiceError(
                "this server is stopping and places no new calls; try again (another node "
                "takes it, or this one once it has restarted)",
                retryable=True,
            )
        self._registry.check_capacity(app_id)
        backend = await self.backend(plan)  # the user agent starts with the first call
        connection_id = new_uuid()
        conversation = await self._repo.create_conversation(
            app_id=app_id,
            name=name,
            source="telephony",
            start_time=datetime.now(UTC),
            timezone=timezone,
            settings={**settings, "connectionId": connection_id},
        )
        session = LiveSession(
            self._deps(),
            conversation,
            connection_id,
            insight_types=insight_types,
            keep_audio=keep_audio,
            language=language,
            announcements=Announcements(),
        )
        call = CallSession(session)
        controller = CallController(
            backend,
            target,
            self.config,
            on_audio=call.on_audio,
            on_state=call.on_state,
            dtmf=dtmf,
            ids={"connection_id": connection_id, "conversation_id": conversation.id},
        )
        call.attach(controller)
        await self._connections.open(app_id, connection_id, session, call)
        self._registry.spawn(lambda: self._run(call, conversation))
        return call

    async def _run(self, call: CallSession, conversation: Conversation) -> None:
        try:
            await call.run()
        finally:
            await self._connections.close(conversation.app_id, call.connection_id)
            status = call.status
            await self._repo.update_conversation_metadata(
                conversation.id,
                {
                    "call": {
                        "connectionId": call.connection_id,
                        "state": status.state.value,
                        "endReason": status.reason.value if status.reason else None,
                        "sipStatus": status.sip_status,
                        "detail": status.detail,
                        "listeningAt": status.listening_at,
                    }
                },
            )

    def call(self, app_id: str, connection_id: str) -> CallSession:
        """The call of ``connection_id`` (running or recently ended), if it is ``app_id``'s."""
        connection = self._registry.find(connection_id, app_id)
        if connection is None or connection.call is None:
            raise NotFound(f"no call with connectionId {connection_id}")
        return connection.call

    async def drain(self, wait: float) -> None:
        """Place no new calls; hang up every live call (``server_stopped``) and wait up to
        ``wait`` seconds for their conversations to complete."""
        self.draining = True
        calls = [
            c.call
            for c in self._registry.live_connections()
            if c.call is not None and not c.session.completed.is_set()
        ]
        if not calls:
            return
        log.info("draining: hanging up live calls", calls=len(calls), wait=wait)
        for call in calls:
            call.stop(draining=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                for call in calls:
                    await call.session.completed.wait()
        left = sum(not c.session.completed.is_set() for c in calls)
        if left:
            log.warning("draining: calls not completed in time", left=left)

    async def close(self) -> None:
        if self._backend is not None:
            await self._backend.close()
            self._backend = None


def speaker_of(user: dict[str, Any] | None) -> Speaker | None:
    if not user:
        return None
    return Speaker(name=user.get("name"), user_id=user.get("userId") or user.get("email"))
