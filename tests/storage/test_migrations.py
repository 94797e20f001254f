"""The migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from callscribe.storage import open_storage
from callscribe.storage.database import resolve_urls
from callscribe.storage.tables import Base


async def test_the_migrated_schema_is_the_declared_one(database_url: str) -> None:
    opened = await open_storage(database_url)
    await opened.close()
    engine = create_engine(resolve_urls(database_url).sync)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
