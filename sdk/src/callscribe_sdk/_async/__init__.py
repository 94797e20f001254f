"""The client's modules, written once: ``_async`` by hand for asyncio, ``_sync`` generated
from it for blocking code by ``scripts/generate_sync_sdk.py`` (the test suite fails when
they differ)."""
