"""Engines and migrations.

One URL configures both the synchronous engine Alembic migrates with and the asyncio engine the
server uses: ``sqlite:///path`` becomes ``sqlite+aiosqlite``, ``postgresql://`` becomes
``postgresql+psycopg`` (psycopg 3 drives both). SQLite runs in WAL mode with ``synchronous=FULL``
so a committed message survives a crash of the process or the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from callscribe.errors import ConfigError, ServiceError
from callscribe.log import get_logger

log = get_logger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class DatabaseUrls:
    sync: URL
    async_: URL

    @property
    def is_sqlite(self) -> bool:
        return self.sync.get_backend_name() == "sqlite"


def resolve_urls(url: str) -> DatabaseUrls:
    """Derive the sync and async driver URLs from one user-facing URL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database URL is not valid: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return DatabaseUrls(
            parsed.set(drivername="sqlite+pysqlite"), parsed.set(drivername="sqlite+aiosqlite")
        )
    if backend == "postgresql":
        psycopg = parsed.set(drivername="postgresql+psycopg")
        return DatabaseUrls(psycopg, psycopg)
    raise ConfigError(
        f"database URL scheme {backend!r} is not supported (use sqlite or postgresql)"
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sync_engine(urls: DatabaseUrls) -> Engine:
    engine = create_engine(urls.sync)
    if urls.is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(url: str) -> None:
    """Bring the schema up to date (Alembic ``upgrade head``); safe to call on every start."""
    urls = resolve_urls(url)
    engine = _sync_engine(urls)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise ServiceError(
            f"cannot reach the database at {urls.sync.render_as_string(hide_password=True)}: "
            f"{exc.orig}",
            retryable=True,
        ) from exc
    finally:
        engine.dispose()


def create_async(url: str) -> tuple[AsyncEngine, async_sessionmaker[Any]]:
    """The server's engine and session factory."""
    urls = resolve_urls(url)
    kwargs: dict[str, Any] = {}
    if not urls.is_sqlite:
        kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine = create_async_engine(urls.async_, **kwargs)
    if urls.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine, async_sessionmaker(engine, expire_on_commit=False)


__all__ = ["DatabaseUrls", "create_async", "migrate", "resolve_urls"]
