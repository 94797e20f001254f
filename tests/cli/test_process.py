"""``callscribe process`` as a user runs it: transcripts and recordings, tables and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.asr import corpus
from callscribe.audio.files import decode_file
from tests.audio.media import encode

FIXTURES = Path(__file__).parents[1] / "fixtures"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSCRIBE_")}
    env["COLUMNS"] = "160"
    return subprocess.run(
        [sys.executable, "-m", "callscribe", "process", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_symbl_json_transcript_as_json() -> None:
    out = run(str(FIXTURES / "insights" / "meeting.json"), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert len(report["messages"]) == 43
    assert report["messages"][0]["from"]["name"] == "Sarah Chen"
    assert "sentiment" in report["messages"][0]
    questions = [q["text"] for q in report["questions"]]
    assert "What's the current status of the mobile app?" in questions
    tasks = {a["text"]: a for a in report["actionItems"]}
    fix = tasks["I'll fix the payment bug by Friday."]
    assert fix["assignee"]["name"] == "Mike Ross"
    assert fix["dueBy"].startswith("2026-03-13")
    follow = [f["text"] for f in report["followUps"]]
    assert any("follow up with their CTO" in f for f in follow)
    assert report["topics"]
    assert report["summary"]
    assert {m["name"] for m in report["analytics"]["members"]} == {
        "Sarah Chen",
        "Mike Ross",
        "Priya Patel",
    }


def test_plain_text_transcript_as_tables(tmp_path: Path) -> None:
    transcript = tmp_path / "standup.txt"
    transcript.write_text(
        "Ana: Good morning everyone.\n"
        "Ben: Morning. Can you review my pull request today?\n"
        "Ana: Sure, I'll review it after lunch.\n"
        "\n"
        "Ben: Great, let's sync again tomorrow.\n"
    )
    out = run(str(transcript))
    assert out.returncode == 0, out.stderr
    for needle in ("Transcript", "Action items", "Questions", "Ana", "Ben", "review it after"):
        assert needle in out.stdout, needle
    assert "Traceback" not in out.stderr


def test_recording(tmp_path: Path) -> None:
    prompts = corpus.subset(2, max_seconds=6.0)
    gap = np.zeros(8000, np.float32)
    audio = np.concatenate([x for p in prompts for x in (decode_file(p.wav, rate=16000), gap)])
    wav = tmp_path / "meeting.flac"
    wav.write_bytes(encode(audio, 16000, container="flac", codec="flac"))
    out = run(str(wav), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    hypothesis = " ".join(m["text"] for m in report["messages"])
    assert corpus.wer([" ".join(p.text for p in prompts)], [hypothesis]) <= 0.15
    assert all(m["words"] for m in report["messages"])


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    junk = tmp_path / "noise.bin"
    junk.write_bytes(bytes(range(256)) * 10)
    out = run(str(junk))
    assert out.returncode == 2
    assert "audio" in out.stderr
    assert "Traceback" not in out.stderr

    bad = tmp_path / "bad.json"
    bad.write_text('[{"payload": {}}]')
    out = run(str(bad))
    assert out.returncode == 2
    assert "messages[0].payload.content is required" in out.stderr

    out = run(str(tmp_path / "missing.txt"))
    assert out.returncode == 2
    assert "does not exist" in out.stderr


def test_recording_with_speakers_told_apart(tmp_path: Path) -> None:
    from callscribe.testing.voices import lines

    chosen = [lines()[i] for i in (1, 3, 4, 5, 6, 8, 9)]  # Marcus and Priya taking turns
    gap = np.zeros(int(0.4 * 16000), np.float32)
    audio = np.concatenate([x for line in chosen for x in (line.audio, gap)])
    wav = tmp_path / "two.flac"
    wav.write_bytes(encode(audio, 16000, container="flac", codec="flac"))
    out = run(str(wav), "--json", "--speakers", "2")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    names = [m["from"]["name"] for m in report["messages"]]
    assert sorted(set(names)) == ["Speaker 1", "Speaker 2"]
    first = next(m for m in report["messages"] if "loud and clear" in m["text"])
    deck = next(m for m in report["messages"] if "Sure, I will send" in m["text"])
    overview = next(m for m in report["messages"] if "pricing proposal" in m["text"])
    assert first["from"]["name"] == deck["from"]["name"] != overview["from"]["name"]

    out = run(str(wav), "--speakers", "50")
    assert out.returncode == 2
    assert "--speakers" in out.stderr
