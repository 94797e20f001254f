"""Delivering an e-mail: over SMTP when configured, else into an outbox folder.

Both are :class:`Mailer`\\ s. SMTP failures become ``ServiceError`` whose ``retryable`` says
whether a later attempt may succeed: connection problems, time-outs and 4xx replies are
transient; 5xx replies (bad address, refused authentication) are not. ``smtplib`` blocks, so
the SMTP mailer runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, Protocol

from callscribe.errors import ServiceError
from callscribe.log import get_logger

log = get_logger(__name__)

Security = Literal["none", "starttls", "tls"]


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> str:
        """Deliver ``message``; returns where it went (for the log and the delivery record)."""
        ...


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    security: Security = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = None

    async def send(self, message: EmailMessage) -> str:
        await asyncio.to_thread(self._send, message)
        return f"smtp://{self.host}:{self.port}"

    def _send(self, message: EmailMessage) -> None:
        context = self.tls_context or ssl.create_default_context()
        try:
            client: smtplib.SMTP
            if self.security == "tls":
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=context)
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise ServiceError(
                f"SMTP server refused every recipient: {_recipients(exc.recipients)}",
                retryable=all(400 <= c < 500 for c in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raw = exc.smtp_error
            reply = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
            raise ServiceError(
                f"SMTP server {self.host}:{self.port} answered {exc.smtp_code} {reply}".strip(),
                retryable=400 <= exc.smtp_code < 500,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ServiceError(
                f"cannot deliver through SMTP server {self.host}:{self.port}: "
                f"{type(exc).__name__}: {exc}",
                retryable=True,
            ) from exc
        if refused:
            log.warning("smtp.recipients_refused", refused=_recipients(refused))


def _recipients(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{addr} ({code})" for addr, (code, _) in refused.items())


@dataclass(frozen=True)
class OutboxMailer:
    """No SMTP configured: each message becomes an ``.eml`` file, and its path is logged."""

    folder: Path

    async def send(self, message: EmailMessage) -> str:
        path = await asyncio.to_thread(self._write, message)
        log.info("email written to the outbox", path=str(path), to=message["To"])
        return str(path)

    def _write(self, message: EmailMessage) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        msg_id = str(message["Message-ID"] or "").strip("<>").split("@")[0][-12:]
        path = self.folder / f"{stamp}-{msg_id or 'message'}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(message.as_bytes())
        tmp.replace(path)
        return path


__all__ = ["Mailer", "OutboxMailer", "Security", "SmtpMailer"]
