"""Reading transcripts from files for ``callscribe process``: plain text or JSON.

Text: one utterance per line, ``Speaker: what they said`` or just the words. JSON: a Symbl
message list (``[{payload:{content}, from:{name,userId}, duration:{startTime,endTime}}]``) or
an object with such a list under ``messages`` (the Async Text API's body).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import ValidationError

from callscribe.conversation.ingest import ReceivedText
from callscribe.errors import ValidationFailed
from callscribe.records import Speaker

_SPEAKER = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?([^:\d][^:]{0,48}):\s+(\S.*)$")
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".srt", ".vtt", ".json"})


def is_transcript(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES


def read_transcript(path: Path) -> list[ReceivedText]:
    """The utterances of a transcript file; ``ValidationFailed`` names what is wrong."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"{path} is not UTF-8 text: {exc.reason}") from exc
    if path.suffix.lower() == ".json" or raw.lstrip().startswith(("[", "{")):
        return _json(raw, path)
    return _lines(raw)


def _lines(raw: str) -> list[ReceivedText]:
    out: list[ReceivedText] = []
    for line in raw.splitlines():
        text = line.strip()
        if not text:
            continue
        match = _SPEAKER.match(text)
        if match:
            name, said = match.group(1).strip(), match.group(2).strip()
            out.append(ReceivedText(text=said, speaker=Speaker(name=name)))
        else:
            out.append(ReceivedText(text=text, speaker=Speaker()))
    if not out:
        raise ValidationFailed("the transcript has no text")
    return out


def _json(raw: str, path: Path) -> list[ReceivedText]:
    from callscribe.api.schemas.process import TextAppend, received

    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path} is not valid JSON: {exc}") from exc
    body = {"messages": data} if isinstance(data, list) else data
    try:
        parsed = TextAppend.model_validate(body)
    except ValidationError as exc:
        from callscribe.api.errors import describe_validation_errors

        raise ValidationFailed(f"{path}: {describe_validation_errors(exc.errors())}") from exc
    return received(parsed.messages)
