"""Entities: spaCy spans mapped to Symbl types, normalised values, custom entities."""

from __future__ import annotations

import pytest

from callscribe.insights import ConversationContext, CustomEntity, InsightEngine, MessageInput
from callscribe.insights.entities import normalize_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4 million", "4000000"),
        ("twenty-five", "25"),
        ("$1.5M", "1500000"),
        ("15%", "15"),
        ("about twelve percent", "12"),
        ("three hundred and forty", "340"),
        ("2,500 seats", "2500"),
        ("a thousand", "1000"),
        ("none", None),
    ],
)
def test_normalize_number(text: str, value: str | None) -> None:
    assert normalize_number(text) == value


def _entities(
    engine: InsightEngine, context: ConversationContext, text: str
) -> set[tuple[str, str, str]]:
    msg = MessageInput("m1", text, context.members[0], context.start, context.start)
    analysis = engine.analyze(msg, context)
    for e in analysis.entities:
        assert text[e.begin : e.end] == e.text
    return {(e.text, e.type, e.value) for e in analysis.entities}


def test_people_orgs_dates_numbers(engine: InsightEngine, context: ConversationContext) -> None:
    got = _entities(
        engine, context, "Mike said Acme Corp will pay 4 million dollars by Friday, in Q3."
    )
    assert ("Mike", "person", "Mike Ross") in got
    assert ("Acme Corp", "organization", "Acme Corp") in got
    assert ("Friday", "date", "2026-03-13T17:00:00-04:00") in got
    assert ("Q3", "date", "2026-09-30T17:00:00-04:00") in got
    assert any(t == "number" and v == "4000000" for _, t, v in got)


def test_lower_case_member_name_is_a_person(
    engine: InsightEngine, context: ConversationContext
) -> None:
    got = _entities(engine, context, "priya will handle it")
    assert ("priya", "person", "Priya Patel") in got


def test_eod_is_a_date_not_an_organization(
    engine: InsightEngine, context: ConversationContext
) -> None:
    got = _entities(engine, context, "Yes, I'll send it over by EOD.")
    assert ("EOD", "date", "2026-03-11T17:00:00-04:00") in got


def test_custom_entities(engine: InsightEngine, context: ConversationContext) -> None:
    ctx = ConversationContext(
        start=context.start,
        timezone=context.timezone,
        members=context.members,
        custom_entities=(
            CustomEntity("product", "Atlas Pro", ("atlas professional",)),
            CustomEntity("competitor", "Globex"),
        ),
    )
    msg = MessageInput(
        "m1",
        "We pitched atlas professional against Globex; Atlas Pro won.",
        ctx.members[0],
        ctx.start,
        ctx.start,
    )
    custom = [e for e in engine.analyze(msg, ctx).entities if e.custom]
    got = [(e.text, e.type, e.value, e.begin) for e in custom]
    assert got == [
        ("atlas professional", "product", "Atlas Pro", 11),
        ("Globex", "competitor", "Globex", 38),
        ("Atlas Pro", "product", "Atlas Pro", 46),
    ]
