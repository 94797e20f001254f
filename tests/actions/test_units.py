"""Pure parts: action specs, page links, back-off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callscribe.actions import LinkCheck, PageLinks, base_url, parse_actions
from callscribe.actions.backoff import RetryPolicy
from callscribe.config import Settings
from callscribe.errors import ValidationFailed
from callscribe.records import Conversation, ConversationStatus


def _conv(cid: str) -> Conversation:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Conversation(
        cid, "app", "n", "meeting", "text", ConversationStatus.COMPLETED, now, now, "UTC"
    )


def test_actions_are_parsed_with_their_position() -> None:
    specs = parse_actions(
        {
            "actions": [
                {"name": "sendSummaryEmail", "parameters": {"emails": [" a@b.co "]}},
                {"invokeOn": "start", "name": "sendSummaryEmail", "parameters": {"emails": []}},
            ]
        }
    )
    assert [(s.index, s.name, s.invoke_on, s.emails) for s in specs] == [
        (0, "sendSummaryEmail", "stop", ("a@b.co",)),
        (1, "sendSummaryEmail", "start", ()),
    ]
    assert parse_actions({}) == ()


@pytest.mark.parametrize(
    ("actions", "needle"),
    [
        ([{"name": "x", "invokeOn": "later"}], "actions[0].invokeOn"),
        ([{}, {"name": "x", "parameters": {"emails": ["nope"]}}], "actions[0].name"),
        ([{"name": "x", "parameters": {"emails": ["ok@a.io", "nope"]}}], "emails[1] 'nope'"),
        ("sendSummaryEmail", "actions must be a list"),
    ],
)
def test_bad_actions_name_the_item_at_fault(actions: object, needle: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_actions({"actions": actions})
    assert needle in info.value.message


def test_page_links_are_stable_per_key_and_unforgeable() -> None:
    links = PageLinks("k" * 64, "https://calls.example.com/")
    url = links.summary_url(_conv("1234567890123456"))
    assert url.startswith("https://calls.example.com/c/1234567890123456/")
    token = url.rsplit("/", 1)[1]
    assert len(token) == 32
    assert links.check("1234567890123456", token, epoch=0) is LinkCheck.VALID
    assert links.check("1234567890123457", token, epoch=0) is LinkCheck.INVALID
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.check("1234567890123456", forged, epoch=0) is LinkCheck.INVALID
    assert PageLinks("k" * 64, "x").token("1") == links.token("1")
    assert PageLinks("j" * 64, "x").token("1") != links.token("1")


def test_page_links_expire_and_are_revoked_by_the_epoch() -> None:
    links = PageLinks("k" * 64, "https://calls.example.com")
    lasting = links.summary_url(_conv("1234567890123456"), expires_in=3600)
    token = lasting.rsplit("/", 1)[1]
    expiry = int(token.split(".")[0], 16)
    assert links.check("1234567890123456", token, epoch=0) is LinkCheck.VALID
    assert links.check("1234567890123456", token, epoch=0, now=expiry) is LinkCheck.EXPIRED
    # a later expiry written into the token is a forgery, not an extension
    stretched = f"{expiry + 86400:x}.{token.split('.')[1]}"
    assert links.check("1234567890123456", stretched, epoch=0) is LinkCheck.INVALID
    # revoking (epoch 1) kills expiring and never-expiring links alike; new ones work
    never = links.token("1234567890123456")
    assert links.check("1234567890123456", token, epoch=1) is LinkCheck.INVALID
    assert links.check("1234567890123456", never, epoch=1) is LinkCheck.INVALID
    renewed = links.token("1234567890123456", epoch=1)
    assert renewed != never
    assert links.check("1234567890123456", renewed, epoch=1) is LinkCheck.VALID
    for junk in ("", ".", "zz.abc", "-1." + never, "0." + never):
        assert links.check("1234567890123456", junk, epoch=0) is LinkCheck.INVALID


def test_an_owners_link_cannot_be_made_from_a_shared_one() -> None:
    links = PageLinks("k" * 64, "https://calls.example.com")
    conv = "1234567890123456"
    owner = links.token(conv, owner=True)
    shared = links.token(conv)
    assert links.is_owner(owner)
    assert not links.is_owner(shared)
    assert links.check(conv, owner, epoch=0) is LinkCheck.VALID
    # claiming ownership with a shared link's MAC fails; so does dropping the claim
    assert links.check(conv, "o." + shared, epoch=0) is LinkCheck.INVALID
    assert links.check(conv, owner.removeprefix("o."), epoch=0) is LinkCheck.INVALID
    expiring = links.token(conv, owner=True, expires_at=2_000_000_000)
    assert links.check(conv, expiring, epoch=0, now=1_000) is LinkCheck.VALID
    assert links.check(conv, expiring, epoch=0, now=2_000_000_000) is LinkCheck.EXPIRED
    assert links.check(conv, owner, epoch=1) is LinkCheck.INVALID  # revoked with the rest


def test_base_url_falls_back_to_host_and_port() -> None:
    assert base_url(Settings(host="10.0.0.5", port=9000)) == "http://10.0.0.5:9000"
    assert base_url(Settings(public_url="https://x.example/")) == "https://x.example"


def test_backoff_grows_to_a_cap_and_stops() -> None:
    policy = RetryPolicy(attempts=5, first_delay=1, max_delay=5, factor=3, jitter=0)
    assert [policy.delay_after(n) for n in range(1, 6)] == [1, 3, 5, 5, None]
    jittered = RetryPolicy(attempts=5, first_delay=1, max_delay=5, factor=3, jitter=0.25)
    delays = [jittered.delay_after(3) for _ in range(200)]
    assert all(d is not None and 3.75 <= d <= 5 for d in delays)
    assert len(set(delays)) > 100  # deliveries that failed together come back apart
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
