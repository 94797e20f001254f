"""``callscribe process FILE``: a transcript or a recording through the whole pipeline,
locally (no server), printed as readable tables or as JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from callscribe import log
from callscribe.cli.common import make_settings, settings_options
from callscribe.cli.printing import print_report, report_json
from callscribe.config import Settings
from callscribe.conversation.analyzer import NlpWorker
from callscribe.conversation.ingest import from_assembled, timed_messages
from callscribe.conversation.local import Report, analyse
from callscribe.conversation.processing import llm_endpoint
from callscribe.conversation.transcripts import is_transcript, read_transcript
from callscribe.pipeline.assembly import assemble
from callscribe.records import NewMessage


@click.command("process")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (Symbl's shapes) instead.")
@click.option("--timezone", default="UTC", show_default=True, help="For due dates: IANA or ±HH:MM.")
@click.option("--engine", help="Speech engine for recordings (default: the configured one).")
@click.option(
    "--speakers",
    type=int,
    is_flag=False,
    flag_value=0,
    default=None,
    metavar="[N]",
    help="Recordings: tell the speakers apart by their voices (N: how many there are).",
)
@settings_options
def process(
    file: Path,
    as_json: bool,
    timezone: str,
    engine: str | None,
    speakers: int | None,
    config_file: Path | None,
    data_dir: Path | None,
) -> None:
    """Analyse FILE: a transcript (.txt lines "Speaker: text", or a Symbl message list in
    .json) or a recording (WAV, FLAC, MP3, OGG/Opus, M4A, ...)."""
    if speakers is not None and not 0 <= speakers <= 20:
        raise click.BadParameter("give between 1 and 20 speakers", param_hint="--speakers")
    settings = make_settings(config_file, data_dir=data_dir, asr_engine=engine)
    if settings.log_level == "info":  # a terminal command: progress bars, not log lines
        log.configure("warning", settings.log_format)
    console = Console(stderr=True)
    report = asyncio.run(_run(file, settings, timezone, console, speakers=speakers))
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2))
    else:
        print_report(report, Console())


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


async def _run(
    file: Path, settings: Settings, timezone: str, console: Console, *, speakers: int | None
) -> Report:
    """``speakers``: None, no speaker separation; 0, as many as there are; N, that many."""
    start = datetime.now(UTC)
    worker = NlpWorker()
    try:
        with _progress(console) as bar:
            if is_transcript(file):
                received = read_transcript(file)
                origin = next((r.start for r in received if r.start), None) or start
                messages: list[NewMessage] = timed_messages(received, origin)
                start = origin
            else:
                messages = await _recognise(file, settings, bar, start, speakers)
            task = bar.add_task("analysing", total=max(1, len(messages)))

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return await analyse(
                messages,
                start=start,
                timezone=timezone,
                worker=worker,
                endpoint=llm_endpoint(settings),
                progress=advance,
            )
    finally:
        worker.close()


async def _recognise(
    file: Path, settings: Settings, bar: Progress, start: datetime, speakers: int | None
) -> list[NewMessage]:
    from callscribe.asr import create_recognizer, transcribe_file
    from callscribe.asr.whisper import PADDINGS
    from callscribe.audio.files import probe

    info = await asyncio.to_thread(probe, file)  # UnsupportedMedia for what is not audio
    recognizer = create_recognizer(
        settings.asr_engine,
        cpu_threads=settings.asr_threads * settings.recognition_workers,  # the CLI has them all
        beam_size=settings.asr_beam_size,
        full_window=settings.asr_full_window,
        padding=settings.asr_padding or PADDINGS[0],  # no one waits for a final: most accurate
    )
    task = bar.add_task("transcribing", total=info.duration or None)
    loop = asyncio.get_running_loop()

    def progress(done: float, total: float | None) -> None:
        loop.call_soon_threadsafe(lambda: bar.update(task, completed=done, total=total))

    transcripts = await asyncio.to_thread(transcribe_file, file, recognizer, progress=progress)
    timeline = None
    if speakers is not None:
        from callscribe.speakers.encoder import shared_encoder
        from callscribe.speakers.offline import diarize_file

        bar.update(task, description="telling speakers apart")
        encoder = await asyncio.to_thread(shared_encoder)
        timeline = await asyncio.to_thread(
            diarize_file, file, transcripts, encoder, speakers or None
        )
    return [from_assembled(m, start) for m in assemble(transcripts, timeline)]
