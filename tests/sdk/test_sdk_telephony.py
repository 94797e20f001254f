"""The tutorial's flow through the SDK against a real server and the meeting-bridge
simulator (``callscribe bridge``, a Zoom-style dial-in on its own SIP stack): join by phone
through the trunk with the Zoom DTMF string, follow the live transcript by callbacks and by
iterator, stop, read the results; and by SIP with ``AsyncClient`` until the far end hangs up."""

from __future__ import annotations

import re
import time
from pathlib import Path

import callscribe_sdk as cs
import pytest
from callscribe_sdk import models

from callscribe.bridge import meeting
from callscribe.testing.server import ServerProcess
from tests.sdk.helpers import Bridge, bridge

pytestmark = pytest.mark.slow

MEETING_ID, PASSCODE = "85012345678", "123456"


def played_before(seconds: float) -> str:
    return " ".join(line.text for line in meeting.load().lines if line.start < seconds - 1.0)


def test_join_zoom_by_phone_follow_stop_and_read(zoom: Bridge, phone_server: ServerProcess) -> None:
    app_id, secret = phone_server.create_app("tutorial")
    by_callback: list[str] = []
    insights: list[models.LiveInsight] = []

    def on_messages(event: models.LiveEvent) -> None:
        assert isinstance(event, models.MessageResponse)
        by_callback.extend(m.text for m in event.messages)

    def on_insights(event: models.LiveEvent) -> None:
        assert isinstance(event, models.InsightResponse)
        insights.extend(event.insights)

    digits_before = len(zoom.named("digits"))
    meetings_before = len(zoom.named("meeting_started"))
    with cs.Client(phone_server.base_url, app_id, secret) as client:
        call = client.join_zoom(
            MEETING_ID,
            PASSCODE,
            phone_number="+16465588656",
            name="Zoom Test Meeting",
            summary_emails=["me@example.com"],
        )
        call.subscribe({"message_response": on_messages, "insight_response": on_insights})
        assert call.state().state != "ended"

        zoom.wait_count("meeting_started", meetings_before + 1, 60)
        began = time.monotonic()
        iterated: list[str] = []
        kinds: list[str] = []
        stopped: models.ConnectionStopped | None = None
        for event in call.events(timeout=60):
            kinds.append(event.kind)
            if isinstance(event, models.MessageResponse):
                iterated.extend(m.text for m in event.messages)
            if stopped is None and time.monotonic() - began > 18:
                heard = time.monotonic() - began
                stopped = call.stop()
        assert stopped is not None
        call.wait(timeout=30)

        state = call.state()
        attached = client.connection(call.connection_id)
        assert attached.conversation_id == call.conversation_id
        stored = call.conversation.messages()
        actions = call.conversation.action_items()
        info = call.conversation.info()

    # The bridge checked what the SDK's Zoom helper keyed.
    assert [(d["field"], d["value"], d["accepted"]) for d in zoom.named("digits")][
        digits_before : digits_before + 3
    ] == [
        ("meeting_id", MEETING_ID, True),
        ("participant_id", "", True),
        ("passcode", PASSCODE, True),
    ]
    assert stopped.connection_id == call.connection_id
    assert stopped.conversation_id == call.conversation_id
    assert (state.state, state.end_reason, state.conversation_completed) == (
        "ended",
        "stopped",
        True,
    )
    assert kinds[-1] == "conversation_completed"
    assert "recognition_result" in kinds
    assert iterated
    assert by_callback == iterated  # both styles saw the same messages
    assert [m.text for m in stored] == iterated
    assert info.name == "Zoom Test Meeting"
    assert info.status == "completed"
    hypothesis = " ".join(iterated).lower()
    reference = played_before(heard).lower()
    shared = set(hypothesis.split()) & set(reference.split())
    assert len(shared) >= len(set(reference.split())) // 2, (reference, hypothesis)
    assert {i.id for i in insights} >= {a.id for a in actions}
    outbox = list((phone_server.data_dir / "outbox").glob("*.eml"))
    assert outbox, "the sendSummaryEmail action wrote the summary to the outbox"
    assert "me@example.com" in outbox[0].read_text(errors="replace")


async def test_async_sip_call_until_the_far_end_hangs_up(
    tmp_path: Path, phone_server: ServerProcess
) -> None:
    app_id, secret = phone_server.create_app("async-sip")
    with bridge("--meeting-id", MEETING_ID, "--passcode", "", "--hangup-after", "25") as peer:
        async with cs.AsyncClient(phone_server.base_url, app_id, secret) as client:
            call = await client.join_zoom(MEETING_ID, sip_uri=peer.uri(), name="SIP meeting")
            finals: list[str] = []

            async def on_result(event: models.LiveEvent) -> None:
                if isinstance(event, models.RecognitionResult) and event.is_final:
                    finals.append(event.transcript)

            await call.subscribe({"recognition_result": on_result})
            # Everything said from now on is Maria's (as a meeting roster would announce).
            await call.speaker_started(name="Maria Lopez", user_id="maria@example.com")
            again = await client.connection(call.connection_id)  # attach to a running call
            assert again.conversation_id == call.conversation_id
            assert (await again.state()).state != "ended"
            events = [e async for e in call.events(timeout=60)]
            state = await call.state()
            messages = await call.conversation.messages()
            await call.aclose()
    assert peer.named("meeting_started")
    assert events[-1].kind == "conversation_completed"
    assert state.end_reason == "remote_hangup"
    assert finals
    # messages are the finals' words in whole sentences (a message may join two finals)
    assert _words(" ".join(m.text for m in messages)) == _words(" ".join(finals))
    assert {m.from_.name for m in messages} == {"Maria Lopez"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())
