"""Base classes: camelCase aliases, unknown request fields ignored (Symbl SDKs send extras)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class RequestBody(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class ResponseBody(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
