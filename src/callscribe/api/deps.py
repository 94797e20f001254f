"""Shared route dependencies as ``Annotated`` aliases: the services and the caller's app id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from callscribe.errors import AuthError
from callscribe.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def bearer_token(x_api_key: str | None, authorization: str | None) -> str | None:
    """The token from ``x-api-key`` (Symbl's header) or ``Authorization: Bearer``."""
    if x_api_key:
        return x_api_key.strip()
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return None


async def current_app_id(
    services: ServicesDep,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> str:
    token = bearer_token(x_api_key, authorization)
    if token is None:
        raise AuthError(
            "missing access token: send it in the x-api-key header or as 'Authorization: Bearer'"
        )
    claims = await services.apps.authenticate(token)
    return claims.app_id


AppId = Annotated[str, Depends(current_app_id)]
