"""An error no handler takes is answered once as a JSON 500 and logged once, compactly."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from callscribe.api.crash import CrashGuard
from callscribe.log import configure

SECRET = "x" * 5000  # a large local variable: a traceback with locals would print it


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(CrashGuard)

    @app.get("/boom")
    async def boom() -> dict[str, str]:
        payload = SECRET
        raise OverflowError(f"Python int too large to convert to SQLite INTEGER ({len(payload)})")

    @app.get("/fine")
    async def fine() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.mark.parametrize("fmt", ["console", "json"])
async def test_an_unhandled_error_is_one_500_and_one_short_log_record(
    fmt: str, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    configure("info", fmt)
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/boom")
        assert (r.status_code, r.json()) == (500, {"message": "internal server error"})
        assert (await client.get("/fine")).json() == {"status": "ok"}
    err = capsys.readouterr().err
    assert err.count("unhandled error") == 1, err
    assert err.count("OverflowError") in {1, 2}  # the exception line (JSON escapes it once)
    assert "/boom" in err
    assert SECRET not in err  # no frame's locals
    assert len(err) < 4000, len(err)
