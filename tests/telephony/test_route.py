"""The SIP user agent's interface follows the route to the target: loopback for a peer on this
machine, discovery for others; it moves only when no call is in progress."""

from __future__ import annotations

from typing import Any

import pytest

from callscribe.config import Settings
from callscribe.conversation.phone import PhoneService
from callscribe.conversation.registry import LiveRegistry
from callscribe.telephony.config import TrunkConfig
from callscribe.telephony.route import LOOPBACK, interface_for, source_address, target_of
from callscribe.telephony.targets import SIP_CODECS, DialPlan


def sip(uri: str) -> DialPlan:
    return DialPlan(uri=uri, codecs=SIP_CODECS, trunk=None, display=uri)


def test_the_target_is_the_uri_host_or_the_trunk() -> None:
    assert target_of(sip("sip:room@127.0.0.1:5090")) == ("127.0.0.1", 5090)
    assert target_of(sip("sip:85012345678.123456@zoomcrc.com;transport=tls")) == (
        "zoomcrc.com",
        5060,
    )
    assert target_of(sip("sip:bridge@[::1]:5070")) == ("::1", 5070)
    trunk = DialPlan("sip:+1555@ignored", SIP_CODECS, TrunkConfig("pbx.local", 5080), "+1555")
    assert target_of(trunk) == ("pbx.local", 5080)


def test_a_peer_on_this_machine_needs_loopback_and_others_do_not() -> None:
    assert source_address("127.0.0.1", 5090) == "127.0.0.1"
    assert interface_for(sip("sip:room@127.0.0.1:5090")) == LOOPBACK
    assert interface_for(sip("sip:room@localhost:5090")) == LOOPBACK
    assert interface_for(sip("sip:room@192.0.2.10:5060")) is None  # TEST-NET: never loopback
    assert interface_for(sip("sip:room@no-such-host.invalid")) is None


class Agent:
    def __init__(self, interface: str | None) -> None:
        self.interface, self.closed = interface, False

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        self.closed = True


class Phone(PhoneService):
    """The real interface policy over agents that only record how they were made."""

    def __init__(self, registry: LiveRegistry) -> None:
        super().__init__(Settings(), None, registry, None, lambda: None)  # type: ignore[arg-type]
        self.made: list[Agent] = []

    def _new_backend(self, interface: str | None) -> Any:
        self.made.append(Agent(interface))
        return self.made[-1]


async def test_the_agent_moves_to_the_interface_a_call_needs_when_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = LiveRegistry(max_total=10, max_per_app=10)
    phone = Phone(registry)
    await phone.backend(sip("sip:room@127.0.0.1:5090"))
    await phone.backend(sip("sip:room@127.0.0.1:5091"))  # same interface: same agent
    assert [a.interface for a in phone.made] == [LOOPBACK]
    await phone.backend(sip("sip:room@192.0.2.10"))
    assert [a.interface for a in phone.made] == [LOOPBACK, None]
    assert phone.made[0].closed

    monkeypatch.setattr(registry, "states", lambda: [("call", "listening")])
    agent = await phone.backend(sip("sip:room@127.0.0.1:5090"))  # a call is in progress
    assert agent is phone.made[1]
    assert len(phone.made) == 2
