"""The application factory: routes, error handlers, limits, and the services' lifetime."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from callscribe import __version__
from callscribe.api import errors
from callscribe.api.crash import CrashGuard
from callscribe.api.limits import BodySizeLimit
from callscribe.api.metering import RequestMeter
from callscribe.api.routes import (
    audio,
    auth,
    conversations,
    insights,
    jobs,
    pages,
    process,
    streaming,
    telephony,
    trackers,
    webhooks,
)
from callscribe.config import Settings
from callscribe.health import readiness
from callscribe.metrics import LiveState, exposition
from callscribe.services import Services

KEEP_ALIVE_SECONDS = 75
"""How long an idle HTTP connection stays open. Longer than clients keep idle connections
(httpx 5 s, the SDK, browsers) and than load balancers' idle timeouts (60 s), so the client
always closes first: a server that closes at the same moment as the client reuses the
connection makes that request fail with "connection reset" (uvicorn's default is 5 s)."""


def body_limit(settings: Settings, path: str) -> int:
    """Audio uploads may be large; every other body is JSON and small."""
    if path.startswith("/v1/process/audio") and not path.startswith("/v1/process/audio/url"):
        return settings.max_upload_bytes
    return settings.max_body_bytes


def create_app(settings: Settings) -> FastAPI:
    """A FastAPI app whose lifespan opens storage, starts background work and closes both."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await Services.open(settings)
        app.state.services = services
        if services.cluster is not None:
            services.cluster.forwarder.app = app  # answers requests other nodes forward
        try:
            async with asyncio.TaskGroup() as tg:
                background = tg.create_task(services.run())
                try:
                    yield
                finally:
                    await services.drain()
                    background.cancel()
        finally:
            await services.close()

    app = FastAPI(
        title="callscribe",
        version=__version__,
        description=(
            "Self-hosted conversation intelligence with a Symbl.ai-compatible API: telephony, "
            "streaming, async processing and the Conversation API."
        ),
        lifespan=lifespan,
    )
    errors.install(app)
    app.add_middleware(BodySizeLimit, limit_for=lambda path: body_limit(settings, path))
    app.add_middleware(RequestMeter)
    app.add_middleware(CrashGuard)  # outermost of ours: nothing unhandled reaches the server
    for module in (
        auth,
        process,
        audio,
        jobs,
        conversations,
        insights,
        streaming,
        telephony,
        trackers,
        webhooks,
        pages,
    ):
        app.include_router(module.router)

    @app.get("/health", tags=["meta"], operation_id="health")
    @app.get("/health/live", tags=["meta"], operation_id="health_live")
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    @app.get("/metrics", tags=["meta"], operation_id="metrics", response_model=None)
    async def metrics(request: Request) -> Response:
        """Prometheus metrics of this process (text exposition format)."""
        services: Services = request.app.state.services
        live = LiveState(services.live.states, services.speech.current)
        return Response(exposition(live), media_type=CONTENT_TYPE_LATEST)

    @app.get("/health/ready", tags=["meta"], operation_id="health_ready", response_model=None)
    async def ready(request: Request) -> JSONResponse:
        """Readiness: 200 when the node can take work, else 503 naming what is down."""
        services: Services = request.app.state.services
        checks = await readiness(settings, services.storage, services.speech, services.phone)
        down = [c for c in checks if not c.ok]
        body: dict[str, object] = {
            "status": "unavailable" if down else "ready",
            "version": __version__,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        }
        if down:
            body["message"] = "; ".join(f"{c.name}: {c.detail}" for c in down)
        return JSONResponse(body, status_code=503 if down else 200)

    return app
