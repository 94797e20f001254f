"""``callscribe config show``: the effective settings, secrets masked."""

from __future__ import annotations

import json
from pathlib import Path

import click

from callscribe.config import load_settings


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
    values = load_settings(config_file).masked()
    if as_json:
        click.echo(json.dumps(values, indent=2, default=str))
        return
    width = max(len(k) for k in values)
    for key, value in values.items():
        click.echo(f"{key.ljust(width)}  {'' if value is None else value}")
