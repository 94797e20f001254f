"""A server inside the CLI process, for commands run without ``--server`` (zoom, dial, demo).

It is the same app ``callscribe serve`` runs, on a free loopback port, with a token minted
for a CLI app in its own database, so the command talks to it over the real API.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import uvicorn

from callscribe.api import KEEP_ALIVE_SECONDS, create_app
from callscribe.config import Settings
from callscribe.errors import ServiceError
from callscribe.ports import free_port
from callscribe.services import Services

CLI_APP = "callscribe-cli"


@dataclass(frozen=True)
class Endpoint:
    """Where a command sends its API requests, and the token it sends."""

    base_url: str
    token: str
    services: Services | None = None


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: Ctrl-C belongs to the command (it stops the call)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def embedded_server(settings: Settings) -> AsyncIterator[Endpoint]:
    """Run the API on 127.0.0.1 in this event loop until the block ends."""
    port = free_port("127.0.0.1")
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = _Server(config)
    # The server task is awaited in ``finally`` (owned, never left running); not a TaskGroup,
    # so an error in the command's own block stays a plain exception with a clear message.
    task = asyncio.create_task(server.serve(), name="embedded-server")
    try:
        while not server.started:
            if task.done():
                task.result()  # start-up failed: raise its error
                raise ServiceError("the embedded server stopped during start-up", retryable=False)
            await asyncio.sleep(0.05)
        services: Services = app.state.services
        apps = await services.repository.list_apps()
        app_id = next((a.id for a in apps if a.name == CLI_APP), None)
        if app_id is None:
            app_id = (await services.apps.create_app(CLI_APP)).app.id
        token = services.apps.issuer.issue(app_id).access_token
        yield Endpoint(f"http://127.0.0.1:{port}", token, services)
    finally:
        server.should_exit = True
        await task
