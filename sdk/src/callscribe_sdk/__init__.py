"""A Python client for a callscribe server (Symbl.ai-compatible API).

``Client`` (blocking) and ``AsyncClient`` (asyncio) cover the Telephony API (phone, SIP,
Zoom), the Streaming API, the Async APIs (text, audio files, URLs) and the Conversation API,
and return typed models (``callscribe_sdk.models``). Errors are one tree rooted at
``CallscribeError`` (see ``callscribe_sdk._exceptions``).
"""

from callscribe_sdk import models
from callscribe_sdk._async.client import AsyncClient
from callscribe_sdk._async.live import AsyncConnection, AsyncStream
from callscribe_sdk._async.resources import AsyncConversation, AsyncJob
from callscribe_sdk._bodies import TextMessage
from callscribe_sdk._exceptions import (
    APIError,
    AuthenticationError,
    BadRequest,
    CallscribeError,
    Conflict,
    ConnectError,
    Gone,
    JobFailed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    StreamError,
    Timeout,
    TransportError,
    UnsupportedMedia,
    WebhookInvalid,
)
from callscribe_sdk._sync.client import Client
from callscribe_sdk._sync.live import Connection, Stream
from callscribe_sdk._sync.resources import Conversation, Job
from callscribe_sdk._telephony import zoom_dtmf, zoom_sip_uri
from callscribe_sdk._webhooks import verify_webhook

__version__ = "0.1.0"

__all__ = [
    "APIError",
    "AsyncClient",
    "AsyncConnection",
    "AsyncConversation",
    "AsyncJob",
    "AsyncStream",
    "AuthenticationError",
    "BadRequest",
    "CallscribeError",
    "Client",
    "Conflict",
    "ConnectError",
    "Connection",
    "Conversation",
    "Gone",
    "Job",
    "JobFailed",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServerError",
    "Stream",
    "StreamError",
    "TextMessage",
    "Timeout",
    "TransportError",
    "UnsupportedMedia",
    "WebhookInvalid",
    "__version__",
    "models",
    "verify_webhook",
    "zoom_dtmf",
    "zoom_sip_uri",
]
