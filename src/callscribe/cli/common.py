"""Options and helpers shared by CLI commands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from callscribe import log
from callscribe.config import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def settings_options(func: F) -> F:
    """``--config`` and ``--data-dir``, which every command that touches data accepts."""
    func = click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Data directory (default ./callscribe-data, or CALLSCRIBE_DATA_DIR).",
    )(func)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="TOML settings file (or CALLSCRIBE_CONFIG).",
    )(func)


def meeting_options(func: F) -> F:
    """``--meeting FILE`` and ``--script FILE.json``: a recording played as the meeting."""
    func = click.option(
        "--script",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The recording's script (JSON lines of speaker, text, start and end in seconds): "
        "drives the speaker events a meeting platform would send.",
    )(func)
    return click.option(
        "--meeting",
        "recording",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Play this recording (WAV, FLAC, MP3, OGG/Opus, M4A…) as the meeting.",
    )(func)


def make_settings(config_file: Path | None, **overrides: Any) -> Settings:
    settings = load_settings(config_file, **overrides)
    log.configure(settings.log_level, settings.log_format)
    return settings


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await coro_fn()

    return asyncio.run(main())
