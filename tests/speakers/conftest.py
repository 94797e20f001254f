"""The voice model, loaded once for the speaker tests."""

from __future__ import annotations

import pytest

from callscribe.speakers.encoder import VoiceEncoder, shared_encoder


@pytest.fixture(scope="session")
def encoder() -> VoiceEncoder:
    return shared_encoder()
