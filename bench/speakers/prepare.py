"""Rebuild ``data/`` from a checkout of resemble-ai/Resemblyzer (run once; the result is committed).

    .venv/bin/python -m bench.speakers.prepare /path/to/Resemblyzer.git

Takes the pools' readers from ``audio_data/librispeech_*`` (16 kHz FLAC), trims leading and
trailing silence to 0.1 s, and stores each utterance as 16 kHz mono Ogg/Opus at 32 kbit/s:
about a tenth of FLAC's size, and transparent enough for a speaker's timbre. Also writes
``data/speakers.tsv`` (id, sex, subset, pool, clips, seconds, LibriVox reader name).
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import av
import numpy as np

from bench.speakers import speech
from bench.speakers.pool import DATA, POOLS, Speaker
from callscribe.audio.files import decode_file
from callscribe.audio.pcm import Samples

ROOT = "audio_data"
BITRATE = 32000
PAD = 0.1


def git_files(git_dir: Path, prefix: str) -> list[str]:
    """Paths under ``prefix`` at HEAD of a bare repository."""
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", "HEAD", prefix],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


def git_blob(git_dir: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"], check=True, capture_output=True
    ).stdout


def sources(git_dir: Path, speaker: Speaker) -> list[str]:
    """A reader's FLAC files: a folder per reader in test-other, an id prefix in train-clean."""
    folder = f"{ROOT}/librispeech_{speaker.subset}/"
    if speaker.subset == "test-other":
        return git_files(git_dir, folder + speaker.id + "/")
    return [p for p in git_files(git_dir, folder) if Path(p).name.startswith(speaker.id + "-")]


def encode_opus(samples: Samples, path: Path) -> None:
    """16 kHz mono float32 to Ogg/Opus, 20 ms frames."""
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=speech.RATE, layout="mono")
        stream.bit_rate = BITRATE
        pcm = np.clip(samples * 32767.0, -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = speech.RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def reader_names(git_dir: Path) -> dict[str, str]:
    """LibriVox reader names from SPEAKERS.TXT (for attribution); names may contain ``|``."""
    text = git_blob(git_dir, f"{ROOT}/librispeech_train-clean-100/SPEAKERS.TXT").decode()
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith(";") or "|" not in line:
            continue
        fields = [f.strip() for f in line.split("|", 4)]
        names[fields[0]] = fields[4] if len(fields) > 4 else ""
    return names


def prepare(git_dir: Path, data: Path = DATA) -> None:
    """Write every pool's clips and the speaker table."""
    names = reader_names(git_dir)
    rows = ["id\tsex\tsubset\tpool\tclips\tseconds\treader"]
    for pool_name, speakers in POOLS.items():
        for speaker in speakers:
            folder = data / speaker.id
            folder.mkdir(parents=True, exist_ok=True)
            seconds = 0.0
            files = sources(git_dir, speaker)
            for src in files:
                audio = speech.trim(decode_file(git_blob(git_dir, src)), PAD)
                seconds += len(audio) / speech.RATE
                encode_opus(audio, folder / (Path(src).stem + ".opus"))
            rows.append(
                f"{speaker.id}\t{speaker.sex}\t{speaker.subset}\t{pool_name}\t{len(files)}"
                f"\t{seconds:.1f}\t{names.get(speaker.id, '')}"
            )
            print(f"{pool_name} {speaker.id} {speaker.sex}: {len(files)} clips, {seconds:.1f} s")
    (data / "speakers.tsv").write_text("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("git_dir", type=Path, help="bare git directory of resemble-ai/Resemblyzer")
    prepare(parser.parse_args().git_dir)


if __name__ == "__main__":
    main()
