"""Targets, E.164 normalisation, the allow-list and dial plans."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from callscribe.config import Settings
from callscribe.conversation.phone import telephony_config
from callscribe.errors import ConfigError, ValidationFailed
from callscribe.telephony.config import TelephonyConfig, TrunkConfig
from callscribe.telephony.targets import (
    PSTN_CODECS,
    PstnTarget,
    SipTarget,
    check_allowed,
    plan_dial,
)

TRUNK = TrunkConfig(host="trunk.example", port=5070, username="acct", password="pw")


@pytest.mark.parametrize(
    "raw", ["+14155550100", "14155550100", "+1 (415) 555-0100", "001.415.555.0100"]
)
def test_numbers_normalise_to_e164(raw: str) -> None:
    assert PstnTarget.parse(raw).number == "+14155550100"


@pytest.mark.parametrize("raw", ["+1415555010x", "12", "+0123456789"])
def test_bad_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed, match=r"endpoint\.phoneNumber"):
        PstnTarget.parse(raw)


def test_allow_list_names_the_rule() -> None:
    with pytest.raises(ValidationFailed) as info:
        check_allowed(PstnTarget.parse("+442071234567"), ("+1",))
    assert "outside the allowed prefixes (+1; setting CALLSCRIBE_TRUNK_ALLOW)" in info.value.message
    check_allowed(PstnTarget.parse("+442071234567"), ("+1", "+44"))


def test_pstn_plan_goes_through_the_trunk_with_g711() -> None:
    plan = plan_dial(PstnTarget.parse("14155550100"), TelephonyConfig(trunk=TRUNK))
    assert plan.uri == "sip:+14155550100@trunk.example:5070;user=phone"
    assert plan.codecs == PSTN_CODECS
    assert plan.narrowband
    assert plan.trunk is TRUNK


def test_pstn_without_trunk_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="CALLSCRIBE_TRUNK_HOST"):
        plan_dial(PstnTarget.parse("+14155550100"), TelephonyConfig())


def test_sip_plan_offers_wideband_first() -> None:
    plan = plan_dial(SipTarget("sip:zoom@127.0.0.1:5080"), TelephonyConfig())
    assert plan.codecs[:2] == ("g722", "opus")
    assert plan.trunk is None


def test_sip_uri_is_validated() -> None:
    with pytest.raises(ValidationFailed, match="is not a SIP URI"):
        SipTarget("http://example.com")


def test_trunk_settings() -> None:
    config = telephony_config(
        Settings(
            trunk_host="sip.telnyx.example:5080",
            trunk_transport="tcp",
            trunk_username="u",
            trunk_password=SecretStr("secret"),
            trunk_caller_id="+14155550000",
            trunk_allow="+1, +44",
            silence_timeout=60,
            max_call_seconds=0,
        )
    )
    assert config.trunk == TrunkConfig(
        "sip.telnyx.example", 5080, "tcp", "u", "secret", "+14155550000"
    )
    assert config.allow == ("+1", "+44")
    assert config.silence_timeout == 60
    assert config.max_call_seconds is None
    assert "secret" not in repr(config)
    assert telephony_config(Settings()).silence_timeout == 1800
    assert telephony_config(Settings(trunk_host="h", trunk_transport="tls")).trunk == TrunkConfig(
        "h", 5061, "tls"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"trunk_host": "h:99999"}, "port '99999'"),
        ({"trunk_allow": "1"}, "allow: prefix '1'"),
        ({"trunk_host": ":5060"}, "empty host name"),
    ],
)
def test_config_errors(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        telephony_config(Settings(**settings))  # type: ignore[arg-type]
