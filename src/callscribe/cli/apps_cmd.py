"""``callscribe apps create|list|delete``: manage API credentials directly in the database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import click

from callscribe.auth import AppCredentials, AppService
from callscribe.auth.throttle import LoginThrottle
from callscribe.cli.common import make_settings, run, settings_options
from callscribe.config import Settings
from callscribe.records import App
from callscribe.storage import Storage, open_storage


@asynccontextmanager
async def _storage(settings: Settings) -> AsyncIterator[Storage]:
    storage = await open_storage(settings.sqlalchemy_url)
    try:
        yield storage
    finally:
        await storage.close()


@click.group("apps")
def apps_group() -> None:
    """Create, list and delete applications (appId/appSecret pairs)."""


@apps_group.command("create")
@click.option("--name", required=True, help="A name to recognise the app by.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@settings_options
def create(name: str, as_json: bool, config_file: Path | None, data_dir: Path | None) -> None:
    """Create an app and print its appId and appSecret (the secret is shown only once)."""
    settings = make_settings(config_file, data_dir=data_dir)

    async def go() -> AppCredentials:
        async with _storage(settings) as storage:
            secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
            throttle = LoginThrottle(
                settings.login_failures_per_minute, settings.token_checks_per_second
            )
            service = await AppService.create(
                storage.repository, settings.token_ttl_seconds, secret, throttle
            )
            return await service.create_app(name)

    creds = run(go)
    if as_json:
        click.echo(json.dumps({"appId": creds.app.id, "appSecret": creds.app_secret, "name": name}))
    else:
        click.echo(f"appId:     {creds.app.id}")
        click.echo(f"appSecret: {creds.app_secret}")
        click.echo("Keep the secret: it is stored only as a hash and cannot be shown again.")


@apps_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@settings_options
def list_(as_json: bool, config_file: Path | None, data_dir: Path | None) -> None:
    """List apps (ids and names; secrets are never shown)."""
    settings = make_settings(config_file, data_dir=data_dir)

    async def go() -> list[App]:
        async with _storage(settings) as storage:
            return await storage.repository.list_apps()

    apps = run(go)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"appId": a.id, "name": a.name, "createdAt": a.created_at.isoformat()}
                    for a in apps
                ]
            )
        )
        return
    if not apps:
        click.echo("no apps yet: create one with `callscribe apps create --name NAME`")
    for a in apps:
        click.echo(f"{a.id}  {a.created_at:%Y-%m-%d %H:%M}  {a.name}")


@apps_group.command("delete")
@click.argument("app_id")
@settings_options
def delete(app_id: str, config_file: Path | None, data_dir: Path | None) -> None:
    """Delete an app and all its conversations."""
    settings = make_settings(config_file, data_dir=data_dir)

    async def go() -> None:
        async with _storage(settings) as storage:
            await storage.repository.delete_app(app_id)

    run(go)
    click.echo(f"deleted app {app_id}")
