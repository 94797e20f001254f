from __future__ import annotations

from typing import Literal

from pydantic import Field

from callscribe.api.schemas.base import RequestBody, ResponseBody


class TokenRequest(RequestBody):
    type: Literal["application"] = Field(description="Always 'application'.")
    app_id: str = Field(min_length=1)
    app_secret: str = Field(min_length=1)


class TokenResponse(ResponseBody):
    access_token: str
    expires_in: int = Field(description="Seconds until the token expires.")
