"""Base classes: camelCase aliases, unknown request fields ignored (Symbl SDKs send extras)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from callscribe.errors import ValidationFailed
from callscribe.insights import parse_timezone


def _timezone(value: str) -> str:
    try:
        parse_timezone(value)
    except ValidationFailed as exc:
        raise ValueError(exc.message) from exc
    return value


Timezone = Annotated[str, Field(max_length=64), AfterValidator(_timezone)]
"""An IANA zone name or a UTC offset like ``+05:30``: due dates resolve in it."""


class RequestBody(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class ResponseBody(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
