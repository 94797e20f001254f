"""``callscribe config show``: the effective settings, secrets masked."""

from __future__ import annotations

import json
from pathlib import Path

import click

from callscribe import log
from callscribe.config import MAX_AUTO_WORKERS, Settings, load_settings
from callscribe.errors import CallscribeError


@click.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("show")
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="TOML settings file."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
def show(config_file: Path | None, as_json: bool) -> None:
    """Print the effective settings (defaults < TOML file < environment), secrets masked."""
    settings = load_settings(config_file)
    log.configure("warning", settings.log_format)  # the output is the settings, not the logs
    values = settings.masked()
    chosen = _chosen(settings)
    if as_json:
        click.echo(json.dumps({**values, "chosen_on_this_machine": chosen}, indent=2, default=str))
        return
    width = max(len(k) for k in values)
    for key, value in values.items():
        click.echo(f"{key.ljust(width)}  {'' if value is None else value}")
    if chosen:
        click.echo("\nchosen on this machine (settings left unset, and how interims give way):")
        for key, value in chosen.items():
            click.echo(f"{key.ljust(width)}  {value}")


def _chosen(settings: Settings) -> dict[str, str]:
    """What a server started now would choose for the settings left unset, measured on this
    CPU as the server does at start (loads the speech model: a second or two)."""
    from callscribe.asr import create_recognizer, headroom
    from callscribe.asr.scheduler import INTERIM_SHARE

    rules: dict[str, str] = {}
    if settings.asr_workers is None:
        rules["asr_workers"] = (
            f"{settings.recognition_workers} (one per CPU this process may use, "
            f"at most {MAX_AUTO_WORKERS})"
        )
    rules["interims"] = headroom.describe(INTERIM_SHARE, headroom.CpuLoad().readable)
    if settings.asr_full_window:
        return rules
    try:
        recognizer = create_recognizer(
            settings.asr_engine, cpu_threads=settings.asr_threads, padding=settings.asr_padding
        )
        window = getattr(recognizer, "window", None)
    except CallscribeError as exc:
        return {"asr_padding": f"not measured: {exc.message}", **rules}
    if window is None or settings.asr_padding is not None:
        return rules
    return {"asr_padding": window.describe(), **rules}
