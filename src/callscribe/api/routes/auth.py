"""``POST /oauth2/token:generate``: exchange appId/appSecret for an access token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from callscribe.api.deps import ServicesDep
from callscribe.api.schemas.auth import TokenRequest, TokenResponse

router = APIRouter(tags=["auth"])


@router.post("/oauth2/token:generate", response_model=TokenResponse, operation_id="generate_token")
async def generate_token(
    body: TokenRequest, services: ServicesDep, request: Request
) -> TokenResponse:
    """Symbl's token request; the token is a JWT valid for ``expiresIn`` seconds. Failed
    attempts are limited per client address and per app (429 with ``Retry-After``)."""
    client = request.client.host if request.client else "unknown"
    issued = await services.apps.generate_token(body.app_id, body.app_secret, client)
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)
