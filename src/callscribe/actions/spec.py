"""The ``actions`` a conversation carries (Symbl's shape) and their validation.

Whoever starts a conversation stores the request's ``actions`` list in
``conversation.settings["actions"]``; :func:`parse_actions` reads it back. Pydantic is used
here because this is an edge: the list arrives from the API and is kept as stored JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from callscribe.errors import ValidationFailed

SEND_SUMMARY_EMAIL = "sendSummaryEmail"
InvokeOn = Literal["start", "stop"]
MAX_EMAILS = 50


def _valid_email(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain and "." in domain and " " not in address)


class ActionParameters(BaseModel):
    model_config = ConfigDict(extra="allow")

    emails: list[str] = Field(default_factory=list, max_length=MAX_EMAILS)

    @field_validator("emails")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for n, address in enumerate(value):
            if not _valid_email(address.strip()):
                raise ValueError(f"emails[{n}] {address!r} is not an e-mail address")
        return [a.strip() for a in value]


class ActionRequest(BaseModel):
    """One item of a request's ``actions`` list."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    invoke_on: InvokeOn = "stop"
    name: str = Field(min_length=1, max_length=64)
    parameters: ActionParameters = Field(default_factory=ActionParameters)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action of a conversation; ``index`` is its position in the stored list."""

    index: int
    name: str
    invoke_on: InvokeOn
    emails: tuple[str, ...]


def parse_actions(settings: dict[str, Any]) -> tuple[ActionSpec, ...]:
    """The actions stored in a conversation's settings; ``ValidationFailed`` names the item."""
    raw = settings.get("actions") or []
    if not isinstance(raw, list):
        raise ValidationFailed("actions must be a list")
    out: list[ActionSpec] = []
    for n, item in enumerate(raw):
        try:
            req = ActionRequest.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationFailed(f"actions[{n}].{where}: {first['msg']}") from exc
        out.append(ActionSpec(n, req.name, req.invoke_on, tuple(req.parameters.emails)))
    return tuple(out)


def stored_actions(requests: list[ActionRequest]) -> list[dict[str, Any]]:
    """What to keep under ``settings["actions"]`` for a request's validated actions."""
    return [r.model_dump(by_alias=True, mode="json") for r in requests]


__all__ = [
    "SEND_SUMMARY_EMAIL",
    "ActionRequest",
    "ActionSpec",
    "parse_actions",
    "stored_actions",
]
