"""The ``callscribe`` command line: one module per command group, assembled here."""

from __future__ import annotations

import sys

import click

from callscribe import __version__
from callscribe.cli.config_cmd import config_group
from callscribe.errors import CallscribeError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="callscribe")
def cli() -> None:
    """callscribe: dial into calls, transcribe them live and extract insights, on your machine."""


cli.add_command(config_group)


def _register_optional_commands() -> None:
    """Commands live in their own modules; importing them here keeps start-up explicit."""
    from callscribe.cli import apps_cmd, bridge_cmd, call_cmd, demo_cmd, process_cmd, serve_cmd

    cli.add_command(serve_cmd.serve)
    cli.add_command(apps_cmd.apps_group)
    cli.add_command(bridge_cmd.bridge)
    cli.add_command(process_cmd.process)
    cli.add_command(call_cmd.zoom)
    cli.add_command(call_cmd.dial)
    cli.add_command(demo_cmd.demo)


_register_optional_commands()


def main() -> None:
    """Entry point: run the CLI, turning our own errors into a one-line message and exit code 2."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CallscribeError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
