"""``callscribe serve``: the API server (uvicorn), optionally over TLS."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from types import FrameType

import click
import uvicorn
from fastapi import FastAPI

from callscribe.api import KEEP_ALIVE_SECONDS, create_app
from callscribe.cli.common import make_settings, settings_options
from callscribe.errors import ConfigError
from callscribe.log import get_logger
from callscribe.services import check_settings
from callscribe.tls import ensure_self_signed

log = get_logger(__name__)

STARTUP_FAILURE = 3
"""Exit status when the server did not start (as uvicorn's own runner exits)."""


@click.command("serve")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8000).")
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--self-signed", is_flag=True, help="Serve HTTPS with a certificate made in the data dir."
)
@settings_options
def serve(
    host: str | None,
    port: int | None,
    ssl_certfile: Path | None,
    ssl_keyfile: Path | None,
    self_signed: bool,
    config_file: Path | None,
    data_dir: Path | None,
) -> None:
    """Run the API server on the embedded defaults (SQLite in ./callscribe-data)."""
    settings = make_settings(
        config_file,
        host=host,
        port=port,
        data_dir=data_dir,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    check_settings(settings)
    certfile, keyfile = settings.ssl_certfile, settings.ssl_keyfile
    if self_signed:
        certfile, keyfile = ensure_self_signed(settings.data_dir, settings.host)
    if (certfile is None) != (keyfile is None):
        raise ConfigError("TLS needs both --ssl-certfile and --ssl-keyfile")
    scheme = "https" if certfile else "http"
    shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    if certfile and not settings.public_url:  # links in e-mails and events must say https
        settings = settings.model_copy(
            update={"public_url": f"https://{shown_host}:{settings.port}"}
        )
    click.echo(f"callscribe API on {scheme}://{shown_host}:{settings.port}  (docs: /docs)")
    click.echo(f"data directory: {settings.data_dir.resolve()}")
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        log_config=None,
        access_log=settings.log_level == "debug",
        ws="websockets-sansio",
        lifespan="on",
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = _DrainingServer(config, app)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:  # the port was taken, or start-up failed: said in the log
        sys.exit(STARTUP_FAILURE)


class _DrainingServer(uvicorn.Server):
    """Uvicorn that tells the services the moment a stop is asked, so draining (no new
    calls here, other nodes told) starts then, not once open connections have closed."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        services = getattr(self._app.state, "services", None)
        if services is not None:
            services.begin_drain()
        super().handle_exit(sig, frame)
