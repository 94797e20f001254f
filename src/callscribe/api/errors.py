"""Every error leaves the API as JSON ``{"message": ...}``; never a stack trace (errors no
handler takes are answered by :mod:`callscribe.api.crash`)."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from callscribe.errors import CallscribeError, LimitExceeded, ServiceError
from callscribe.log import get_logger

log = get_logger(__name__)


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


def describe_validation_errors(errors: list[Any]) -> str:
    """One readable sentence per problem, naming the field by its path in the body."""
    parts: list[str] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx", {}).get("error", "")
            return f"request body is not valid JSON{': ' + ctx if ctx else ''}"
        field = _path(loc)
        msg = err.get("msg", "is invalid")
        if err.get("type") == "missing":
            parts.append(f"{field} is required" if field else "request body is required")
        elif err.get("type") == "model_attributes_type" and not field:
            parts.append("request body must be a JSON object")
        else:
            parts.append(f"{field}: {msg}" if field else msg)
    return "; ".join(parts) or "request is invalid"


def _path(loc: list[str]) -> str:
    out = ""
    for part in loc:
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(CallscribeError)
    async def _ours(_: Request, exc: CallscribeError) -> JSONResponse:
        if isinstance(exc, ServiceError):
            log.warning("service error", error=exc.message, retryable=exc.retryable)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, LimitExceeded) and exc.retry_after is not None:
            headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
        return error_response(exc.status_code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, describe_validation_errors(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no such route: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, message, dict(exc.headers or {}))
