"""The dial-in voice menu of a meeting bridge, Zoom style, as a sans-I/O state machine.

Rules
-----
1. On answer: play ``welcome`` ("enter your meeting ID followed by pound").
2. Digits collect until ``#``. A wrong meeting ID plays ``invalid_meeting`` and asks again;
   the third wrong answer plays ``goodbye`` and hangs up. Same for the passcode.
3. After the meeting ID: ``participant`` (any digits, or just ``#``), then ``passcode`` if the
   meeting has one, then ``joining`` and the meeting itself.
4. In the meeting, digits are ignored. Every answer is reported (field, value, accepted) so a
   test peer can say exactly what it received.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Stage(enum.StrEnum):
    MEETING_ID = "meeting_id"
    PARTICIPANT = "participant_id"
    PASSCODE = "passcode"
    MEETING = "meeting"
    DONE = "done"


@dataclass(frozen=True)
class Play:
    """Play a prompt now, replacing whatever was playing."""

    prompt: str


@dataclass(frozen=True)
class JoinMeeting:
    """Start the meeting audio after the current prompt."""


@dataclass(frozen=True)
class HangUp:
    """End the call once the current prompt has played."""

    reason: str


@dataclass(frozen=True)
class Answer:
    """One collected answer, for the report."""

    stage: Stage
    value: str
    accepted: bool


Action = Play | JoinMeeting | HangUp | Answer


@dataclass
class BridgeIvr:
    meeting_id: str
    passcode: str | None = None
    max_tries: int = 3
    stage: Stage = Stage.MEETING_ID
    _buffer: str = ""
    _tries: dict[Stage, int] = field(default_factory=dict)

    def start(self) -> list[Action]:
        return [Play("welcome")]

    def digit(self, key: str) -> list[Action]:
        """Feed one received key; returns what to do."""
        if self.stage in (Stage.MEETING, Stage.DONE):
            return []
        if key != "#":
            self._buffer += key
            return []
        value, self._buffer = self._buffer, ""
        return self._answer(value)

    def _answer(self, value: str) -> list[Action]:
        stage = self.stage
        if stage is Stage.PARTICIPANT:
            return [Answer(stage, value, True), *self._after_participant()]
        expected = self.meeting_id if stage is Stage.MEETING_ID else self.passcode
        if value == expected:
            if stage is Stage.MEETING_ID:
                self.stage = Stage.PARTICIPANT
                return [Answer(stage, value, True), Play("participant")]
            return [Answer(stage, value, True), *self._join()]
        tries = self._tries[stage] = self._tries.get(stage, 0) + 1
        if tries >= self.max_tries:
            self.stage = Stage.DONE
            return [Answer(stage, value, False), Play("goodbye"), HangUp(f"wrong {stage.value}")]
        prompt = "invalid_meeting" if stage is Stage.MEETING_ID else "invalid_passcode"
        return [Answer(stage, value, False), Play(prompt)]

    def _after_participant(self) -> list[Action]:
        if self.passcode:
            self.stage = Stage.PASSCODE
            return [Play("passcode")]
        return self._join()

    def _join(self) -> list[Action]:
        self.stage = Stage.MEETING
        return [Play("joining"), JoinMeeting()]


__all__ = ["Action", "Answer", "BridgeIvr", "HangUp", "JoinMeeting", "Play", "Stage"]
