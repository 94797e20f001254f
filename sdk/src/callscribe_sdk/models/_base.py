"""The base of every result model: camelCase on the wire, snake_case in Python, immutable.

Unknown fields are kept (``model_extra``) rather than rejected, so a newer server never
breaks an older SDK.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="allow"
    )
