"""Structured logging: structlog over the standard library, ids bound per call/conversation.

Bind the ids of the work in hand with :func:`bind` (a context manager over structlog's
contextvars) and every log line inside it, in any coroutine spawned from it, carries them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

_configured = False


def configure(level: str = "info", fmt: str = "console") -> None:
    """Set up structlog and route the standard library's loggers (uvicorn, alembic) through it."""
    global _configured
    shared: list[structlog.types.Processor] = [
        _redact,
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # One compact traceback per error: structlog's default (rich, with every frame's local
    # variables) wrote megabytes per error and held the event loop while it did.
    renderers: list[structlog.types.Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if fmt == "json"
        else [
            structlog.dev.ConsoleRenderer(
                colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
            )
        ]
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderers],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Alembic narrates every migration check at INFO; only its warnings matter to an operator.
    logging.getLogger("alembic").setLevel(max(root.level, logging.WARNING))
    _configured = True


_SECRET_PARAM = re.compile(r"(access_token|appSecret|password)=[^&\s\"']+", re.IGNORECASE)


def _redact(
    _logger: Any, _method: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    """Tokens travel in WebSocket URLs (``?access_token=``); never let one reach a log."""
    event = event_dict.get("event")
    if isinstance(event, str) and "=" in event:
        event_dict["event"] = _SECRET_PARAM.sub(r"\1=********", event)
    return event_dict


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A logger for a module; ids bound with :func:`bind` appear on every line."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger


@contextmanager
def bind(**ids: Any) -> Iterator[None]:
    """Bind ids (``conversation_id=..., connection_id=...``) to every log line in this context."""
    with structlog.contextvars.bound_contextvars(**ids):
        yield


__all__ = ["bind", "configure", "get_logger"]
