"""Language tags to the recogniser's languages, and what each language gets."""

from __future__ import annotations

import pytest

from callscribe.asr.languages import ALL_INSIGHTS, insights_available, whisper_language
from callscribe.errors import ValidationFailed


@pytest.mark.parametrize(
    ("tag", "language"),
    [("en-US", "en"), ("es-ES", "es"), ("DE", "de"), ("pt_BR", "pt"), ("zh-Hant-TW", "zh")],
)
def test_bcp47_tags_name_whisper_languages(tag: str, language: str) -> None:
    assert whisper_language(tag) == language


@pytest.mark.parametrize("tag", ["", "e", "english", "tlh-KL", "es-", "12-AB"])
def test_tags_no_model_knows_are_refused_by_name(tag: str) -> None:
    with pytest.raises(ValidationFailed, match="languageCode") as refused:
        whisper_language(tag)
    assert repr(tag) in refused.value.message


def test_other_languages_get_what_does_not_need_english() -> None:
    assert insights_available("en") == list(ALL_INSIGHTS)
    assert insights_available(None) == list(ALL_INSIGHTS)
    assert insights_available("es") == ["transcript", "speakers", "trackers", "analytics"]
