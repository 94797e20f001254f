"""Is this server process alive, and is it ready for work?

Liveness (``/health``, ``/health/live``) answers while the process's event loop does.
Readiness (``/health/ready``) looks at what work needs: the database answers a query, the
speech model is loaded (when models are preloaded; otherwise it loads on first use), the SIP
user agent did not fail to start (it starts on the first call), and Redis answers a ping when
one is configured. A load balancer sends work only to a ready node.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import text

from callscribe.config import Settings
from callscribe.conversation.phone import PhoneService
from callscribe.conversation.speech import SpeechEngine
from callscribe.storage import Storage

CHECK_SECONDS = 2.0
"""How long one check may take before it counts as down."""


@dataclass(frozen=True, slots=True)
class Check:
    """One dependency: up or not, and a few words on its state."""

    name: str
    ok: bool
    detail: str


async def readiness(
    settings: Settings, storage: Storage, speech: SpeechEngine, phone: PhoneService
) -> list[Check]:
    """Every check, run at once, each within :data:`CHECK_SECONDS`."""
    checks = [_database(storage), _speech(settings, speech), _sip(phone)]
    if settings.redis_url is not None:
        checks.append(_redis(settings.redis_url.get_secret_value()))
    return list(await asyncio.gather(*checks))


async def _database(storage: Storage) -> Check:
    try:
        async with asyncio.timeout(CHECK_SECONDS), storage.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return Check("database", False, f"no answer within {CHECK_SECONDS:g} s")
    except Exception as exc:
        return Check("database", False, _reason(exc))
    return Check("database", True, "answers")


async def _speech(settings: Settings, speech: SpeechEngine) -> Check:
    if speech.current() is not None:
        return Check("speech", True, f"{speech.engine} loaded")
    if settings.preload_models:
        return Check("speech", False, f"{speech.engine} still loading")
    return Check("speech", True, f"{speech.engine} loads on first use")


async def _sip(phone: PhoneService) -> Check:
    if phone.sip_error is not None:
        return Check("sip", False, f"user agent failed to start: {phone.sip_error}")
    if phone.sip_running:
        return Check("sip", True, "user agent running")
    return Check("sip", True, "user agent starts on the first call")


async def _redis(url: str) -> Check:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=CHECK_SECONDS)
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await client.ping()
    except TimeoutError:
        return Check("redis", False, f"no answer within {CHECK_SECONDS:g} s")
    except Exception as exc:
        return Check("redis", False, _reason(exc))
    finally:
        await client.aclose()
    return Check("redis", True, "answers")


def _reason(exc: BaseException) -> str:
    """The error's first line, without the driver's chatter."""
    found = getattr(exc, "orig", None) or exc
    first = (str(found).strip().splitlines() or [""])[0]
    return f"{type(found).__name__}: {first}" if first else type(found).__name__


__all__ = ["CHECK_SECONDS", "Check", "readiness"]
