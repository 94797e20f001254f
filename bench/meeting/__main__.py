"""A whole meeting through a live SIP call, scored as a user reads it.

    .venv/bin/python -m bench.meeting                          # both meetings, three modes
    .venv/bin/python -m bench.meeting --meeting relaunch --mode timestamps --verbose

A real ``callscribe serve`` (default settings but a loopback SIP address) dials the bridge
simulator (``callscribe bridge``, a separate process) with Zoom's DTMF; the bridge plays a
labelled meeting; a speaker feed posts speaker events as a meeting platform would. When the
call has ended, what the Conversation API returns is scored against the meeting's script
(:mod:`bench.meeting.score`). Speaker-feed modes:

* ``timestamps``: every turn announced when it starts, with its ``timestamp``;
* ``jitter``: announced up to 0.3 s early or late, without a timestamp (placed on arrival);
* ``none``: no speaker events — a phone dial-in, where no platform sends any.

``--codec pcmu`` has the bridge accept only G.711 µ-law, so the meeting reaches callscribe
through an 8 kHz phone line (as from a PSTN dial-in) instead of G.722's 16 kHz.

Meetings: ``bundled`` (the demo's; the rules were developed on it); ``relaunch``,
``escalations``, ``hiring``, ``campaign``, ``onboarding`` and ``outage`` (each written for this
benchmark as held-out, and each used to change rules after it had run: development meetings
now; none is held out).
Message latency runs from the end of a message's last turn at the bridge to the
``message_response`` that carries it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench import machine
from bench.meeting import score
from callscribe.bridge import meeting
from callscribe.bridge.feed import Feed, announce
from callscribe.bridge.process import (
    MEETING_ID,
    PASSCODE,
    RunningBridge,
    bridge_process,
    free_udp_port,
    meeting_started,
)
from callscribe.bridge.server import CODEC_SPECS
from callscribe.telephony import zoom_dtmf
from callscribe.testing.server import ServerProcess, token_for

DATA = Path(__file__).with_name("data")
MODES = {
    "timestamps": Feed(timestamps=True),
    "jitter": Feed(timestamps=False, jitter=0.3, seed=11),
    "none": None,
}


@dataclass(frozen=True)
class Meeting:
    """A labelled meeting: audio (None: the bundled one), its script and labels."""

    name: str
    audio: Path | None
    script: Path

    def lines(self) -> tuple[meeting.Line, ...]:
        return meeting.read_script(self.script)

    def labels(self) -> list[score.Label]:
        raw = json.loads(self.script.read_text())["labels"]["insights"]
        return [score.Label.parse(x) for x in raw]

    def turns(self) -> list[score.Turn]:
        """The script. The bridge's own announcements are in the call too, but a user reads
        them nowhere (callscribe leaves them out): heard in the transcript, they are words
        inserted."""
        return [score.Turn(x.speaker, x.text, x.end) for x in self.lines()]


def meetings() -> dict[str, Meeting]:
    bundled = Path(meeting.__file__).with_name(meeting.SCRIPT_FILE)
    return {
        "bundled": Meeting("bundled", None, bundled),
        "relaunch": Meeting("relaunch", DATA / "relaunch.wav", DATA / "relaunch.json"),
        "escalations": Meeting("escalations", DATA / "escalations.wav", DATA / "escalations.json"),
        "hiring": Meeting("hiring", DATA / "hiring.wav", DATA / "hiring.json"),
        "campaign": Meeting("campaign", DATA / "campaign.wav", DATA / "campaign.json"),
        "onboarding": Meeting("onboarding", DATA / "onboarding.wav", DATA / "onboarding.json"),
        "outage": Meeting("outage", DATA / "outage.wav", DATA / "outage.json"),
    }


@dataclass
class Run:
    """What one call gave: the Conversation API's answers and when messages arrived."""

    conversation: dict[str, Any]
    messages: list[dict[str, Any]]
    insights: list[score.Found]
    arrivals: dict[str, float] = field(default_factory=dict)
    meeting_at: float | None = None


async def _listen(url: str, arrivals: dict[str, float]) -> None:
    async with connect(url, max_size=None) as ws:
        async for raw in ws:
            event = json.loads(raw)
            if event.get("type") == "message_response":
                for m in event["messages"]:
                    arrivals.setdefault(m["id"], time.time())
            kind = event.get("message", {}).get("type")
            if kind == "conversation_completed":
                return


def _found(body: dict[str, Any]) -> list[score.Found]:
    out = [score.Found("question", q["text"]) for q in body["questions"]]
    for item in body["tasks"]:
        due = item.get("dueBy")
        out.append(
            score.Found(
                item["type"],
                item["text"],
                (item.get("assignee") or {}).get("name"),
                datetime.fromisoformat(due.replace("Z", "+00:00")).date() if due else None,
            )
        )
    return out


async def call(
    server: ServerProcess, token: str, bridge: RunningBridge, m: Meeting, mode: str
) -> Run:
    headers = {"x-api-key": token}
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as http:
        r = await http.post(
            "/v1/endpoint:connect",
            json={
                "operation": "start",
                "endpoint": {
                    "type": "sip",
                    "uri": bridge.uri,
                    "dtmf": zoom_dtmf(MEETING_ID, PASSCODE),
                },
                "data": {"session": {"name": f"bench.meeting {m.name} {mode}"}},
            },
        )
        r.raise_for_status()
        started = r.json()
        arrivals: dict[str, float] = {}
        url = f"{started['resultWebSocketUrl']}?access_token={token}"
        async with asyncio.TaskGroup() as tg:
            tg.create_task(asyncio.wait_for(_listen(url, arrivals), timeout=900))
            at = await meeting_started(bridge)
            if at is None:
                raise RuntimeError("the bridge never started the meeting")
            feed = MODES[mode]
            if feed is not None:
                path = f"/v1/event/{started['connectionId']}"
                await announce(http, path, m.lines(), at, feed)
        conv_id = started["conversationId"]
        base = f"/v1/conversations/{conv_id}"
        conversation = (await http.get(base)).raise_for_status().json()
        messages = (await http.get(f"{base}/messages")).raise_for_status().json()["messages"]
        questions = (await http.get(f"{base}/questions")).raise_for_status().json()
        actions = (await http.get(f"{base}/action-items")).raise_for_status().json()
        follow = (await http.get(f"{base}/follow-ups")).raise_for_status().json()
    tasks = actions["actionItems"] + follow["followUps"]
    found = _found({"questions": questions["questions"], "tasks": tasks})
    return Run(conversation, messages, found, arrivals, at)


def report(m: Meeting, mode: str, run: Run, verbose: bool) -> dict[str, float]:
    turns = m.turns()
    said = [score.Said(x["id"], (x.get("from") or {}).get("name"), x["text"]) for x in run.messages]
    t = score.transcript(turns, said)
    day = date.fromisoformat(run.conversation["startTime"][:10])
    by_voice = mode == "none"  # voices are "Speaker N": score them under the best mapping
    s = score.insights(run.insights, m.labels(), day, dict(t.mapping) if by_voice else None)
    last = score.last_turn_of(t, said)
    late = {
        msg.id: run.arrivals[msg.id] - (run.meeting_at + turns[last[msg.id]].end)
        for msg in said
        if msg.id in run.arrivals and msg.id in last and turns[last[msg.id]].speaker
        and run.meeting_at is not None
    }  # fmt: skip
    latencies = list(late.values())
    p50, p95 = score.percentile(latencies, 0.5), score.percentile(latencies, 0.95)
    q, a, f = (s.by_type[k] for k in ("question", "action_item", "follow_up"))
    print(f"\n{m.name} / {mode}")
    print(
        f"  transcript: WER {100 * t.wer:.1f} %, words with the right speaker "
        f"{100 * t.words_right_speaker:.1f} % of {t.hits} recognised "
        f"({100 * t.words_right_mapped:.1f} % under the best mapping; speakers found "
        f"{t.speakers_found} of {len({x.speaker for x in turns if x.speaker})}), "
        f"turns whole in one message {100 * t.turns_whole:.1f} % of {t.turns}, "
        f"messages {t.messages} "
        f"({t.messages_mixed} mixing speakers)"
    )
    print(
        f"  insights (P/R/F1): questions {q.precision:.2f}/{q.recall:.2f}/{q.f1:.2f}, "
        f"action items {a.precision:.2f}/{a.recall:.2f}/{a.f1:.2f}, "
        f"follow-ups {f.precision:.2f}/{f.recall:.2f}/{f.f1:.2f}, "
        f"all tasks {s.tasks.precision:.2f}/{s.tasks.recall:.2f}/{s.tasks.f1:.2f}"
    )
    print(
        f"  assignee right {s.assignee_right}/{s.assignee_scored}"
        f"{' (under the mapping)' if by_voice else ''}, due day right "
        f"{s.due_right}/{s.due_scored}; message latency after the turn's end p50 {p50:.2f} s, "
        f"p95 {p95:.2f} s ({len(latencies)} messages)"
    )
    if verbose:
        print(f"    mapping: {dict(t.mapping)}")
        for x in said:
            after = f"{late[x.id]:+.1f} s" if x.id in late else "-"
            print(f"    [{x.speaker or '?'}] ({after}) {x.text}")
        for found, label in s.matches:
            print(f"    task {found.kind} -> {found.assignee} {found.due} | {found.text}")
            print(f"      label {label.kind} -> {label.assignee} {label.due}")
        for found in s.unmatched:
            print(f"    unmatched {found.kind} -> {found.assignee} | {found.text}")
        for label in s.missed:
            print(f"    missed {label.kind} | {label.text}")
    return {
        "wer": t.wer,
        "words_right_speaker": t.words_right_speaker,
        "words_right_mapped": t.words_right_mapped,
        "turns_whole": t.turns_whole,
        "question_f1": q.f1,
        "task_f1": s.tasks.f1,
    }


async def run(
    names: Sequence[str], modes: Sequence[str], verbose: bool, codec: str | None = None
) -> None:
    print(f"bench.meeting: {machine.describe()}")
    line = codec or "the bridge's first choice (G.722, 16 kHz)"
    print(f"line: {line}")
    env = {
        "CALLSCRIBE_SIP_LISTEN": f"127.0.0.1:{free_udp_port()}",
        "CALLSCRIBE_SIP_INTERFACE": "127.0.0.1",
    }
    with (
        tempfile.TemporaryDirectory(prefix="callscribe-bench-") as tmp,
        ServerProcess(Path(tmp) / "data", env) as server,
    ):
        app_id, secret = server.create_app("bench")
        token = token_for(server.base_url, app_id, secret)
        for name in names:
            m = meetings()[name]
            script = m.script if m.audio else None
            codecs = (codec,) if codec else ()
            with bridge_process(m.audio, script, codecs) as bridge:
                for mode in modes:
                    result = await call(server, token, bridge, m, mode)
                    report(m, mode, result, verbose)
        if verbose:
            kept = Path(tempfile.gettempdir()) / "bench-meeting-server.log"
            kept.write_text(server.log_text())
            print(f"\nthe server's log: {kept}")
    print(f"\n{machine.load()} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.meeting", description=__doc__)
    parser.add_argument("--meeting", choices=[*meetings(), "all"], default="all")
    parser.add_argument("--mode", choices=[*MODES, "all"], default="all")
    parser.add_argument("--verbose", action="store_true", help="print messages and matches")
    parser.add_argument(
        "--codec", choices=sorted(CODEC_SPECS), help="the only codec the bridge accepts"
    )
    args = parser.parse_args()
    names = list(meetings()) if args.meeting == "all" else [args.meeting]
    modes = list(MODES) if args.mode == "all" else [args.mode]
    asyncio.run(run(names, modes, args.verbose, args.codec))


if __name__ == "__main__":
    main()
