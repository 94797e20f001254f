"""Kept audio: recordings of calls, streams and uploads (``keepAudio``), and their retention.

* :mod:`.writer` — encoding 16 kHz audio to Ogg/Opus or FLAC as it comes;
* :mod:`.files` — where the files live;
* :mod:`.live` — the recording stage of a live session;
* :mod:`.service` — keeping, downloading and deleting a conversation's audio;
* :mod:`.retention` — ``RETENTION_DAYS``: audio or whole conversations deleted when expired.
"""

from __future__ import annotations

from callscribe.recordings.files import RecordingFiles
from callscribe.recordings.live import LiveRecorder
from callscribe.recordings.retention import Retention, Swept
from callscribe.recordings.service import Download, Recordings
from callscribe.recordings.writer import CODECS, AudioWriter, Format

__all__ = [
    "CODECS",
    "AudioWriter",
    "Download",
    "Format",
    "LiveRecorder",
    "RecordingFiles",
    "Recordings",
    "Retention",
    "Swept",
]
