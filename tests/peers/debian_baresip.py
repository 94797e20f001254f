"""Debian's baresip 1.0.0 (``apt-get install baresip-core``) as an auto-answering Opus peer.

It is the only independent Opus endpoint available here: it answers, negotiates Opus 48 kHz
stereo and plays a stereo WAV cut from the shipped meeting as its microphone.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from callscribe.bridge import meeting
from callscribe.subprocesses import stop
from peers.sipp_peer import free_udp_port

MODULES = Path("/usr/lib/baresip/modules")


@dataclass
class BaresipPeer:
    port: int
    log: Path

    @property
    def uri(self) -> str:
        return f"sip:peer@127.0.0.1:{self.port}"


@contextmanager
def debian_baresip(workdir: Path, codecs: str = "opus/48000/2") -> Iterator[BaresipPeer]:
    if shutil.which("baresip") is None or not MODULES.is_dir():
        raise RuntimeError("Debian baresip is not installed: apt-get install -y baresip-core")
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "speech48.wav"
    with wave.open(str(source), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48000)
        m = meeting.load()
        out.writeframes(meeting.convert(m.pcm[: 16000 * 2 * 12], 16000, 48000, 2))
    port = free_udp_port()
    (workdir / "config").write_text(
        f"module_path {MODULES}\n"
        f"sip_listen 127.0.0.1:{port}\n"
        "net_interface 127.0.0.1\n"
        "rtp_ports 10000-20000\n"  # below the SIP ports test peers are given
        "audio_player aufile,/dev/null\n"
        f"audio_source aufile,{source}\n"
        "audio_alert aufile,/dev/null\n"
        "module opus.so\nmodule g711.so\nmodule aufile.so\nmodule account.so\n"
    )
    (workdir / "accounts").write_text(
        f"<sip:peer@127.0.0.1:{port}>;answermode=auto;audio_codecs={codecs};regint=0\n"
    )
    (workdir / "contacts").write_text("")
    log = workdir / "baresip.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["baresip", "-f", str(workdir)], stdout=sink, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 10
            while b"baresip is ready" not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Debian baresip did not start: {log.read_text()[-500:]}")
                time.sleep(0.1)
            yield BaresipPeer(port, log)
        finally:
            stop(process)
