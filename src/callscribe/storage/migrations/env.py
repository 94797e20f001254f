"""Alembic environment: runs on the connection handed in by ``callscribe.storage.database``."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from callscribe.storage.tables import Base, UtcDateTime


def _render_item(type_: str, obj: Any, _ctx: Any) -> str | Literal[False]:
    """Write our column types as plain SQLAlchemy types so migrations never import app code."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic CLI
    raise RuntimeError("run migrations through callscribe (callscribe.storage.database.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
