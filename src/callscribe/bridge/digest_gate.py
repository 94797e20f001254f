"""A digest-auth gate in front of the bridge, so it can play an operator's SIP trunk (sans-I/O).

baresip challenges only MESSAGE and REFER, never INVITE; a trunk challenges INVITEs. The gate
is a minimal stateless proxy on the public port: an initial INVITE without valid credentials
gets ``401`` (challenge) or ``403`` (wrong user or password), and the ACK of that refusal is
absorbed; every other request is forwarded to the inner baresip with the gate's ``Via`` on
top, and responses coming back from baresip lose that ``Via`` and go to whoever sent the
request. No Record-Route is added: in-dialog requests then go straight to baresip's Contact.

Datagram in, datagrams out: ``from_outside(data, src)`` and ``from_inner(data)`` return a list
of ``(bytes, (host, port))`` to send.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

Addr = tuple[str, int]
Out = list[tuple[bytes, Addr]]

_MAX_ROUTES = 4096
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


@dataclass
class SipMessage:
    """Start line, headers (name as sent, value) in order, and body."""

    start: str
    headers: list[tuple[str, str]]
    body: bytes

    @classmethod
    def parse(cls, data: bytes) -> SipMessage:
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "replace").split("\r\n")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip(), value.strip()))
        return cls(lines[0], headers, body)

    def serialize(self) -> bytes:
        lines = [self.start, *(f"{n}: {v}" for n, v in self.headers), "", ""]
        return "\r\n".join(lines).encode() + self.body

    @property
    def method(self) -> str | None:
        return None if self.start.startswith("SIP/2.0") else self.start.split(" ", 1)[0]

    def get(self, name: str) -> str | None:
        wanted = name.lower()
        for n, v in self.headers:
            if n.lower() == wanted:
                return v
        return None


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _branch(via: str) -> str:
    match = re.search(r";\s*branch=([^;,\s]+)", via)
    return match.group(1) if match else ""


@dataclass
class DigestGate:
    realm: str
    user: str
    password: str
    public: Addr  # where the gate listens (its Via sent-by)
    inner: Addr  # where baresip listens
    _nonces: set[str] = field(default_factory=set)
    _refused: set[tuple[str, str]] = field(default_factory=set)  # (Call-ID, CSeq number)
    _routes: dict[str, Addr] = field(default_factory=dict)  # our branch -> sender

    def from_outside(self, data: bytes, src: Addr) -> Out:
        msg = SipMessage.parse(data)
        method = msg.method
        if method is None:
            return []  # responses reach the gate only from baresip
        call_id, cseq = msg.get("Call-ID") or "", (msg.get("CSeq") or "").split(" ")[0]
        if method == "ACK" and (call_id, cseq) in self._refused:
            self._refused.discard((call_id, cseq))
            return []
        if method == "INVITE" and ";tag=" not in (msg.get("To") or ""):
            verdict = self._check(msg)
            if verdict is not None:
                self._refused.add((call_id, cseq))
                return [(self._reply(msg, *verdict), src)]
        return [(self._forward(msg, src), self.inner)]

    def from_inner(self, data: bytes) -> Out:
        msg = SipMessage.parse(data)
        if msg.method is not None:
            return []
        for i, (name, value) in enumerate(msg.headers):
            if name.lower() in ("via", "v"):
                target = self._routes.get(_branch(value))
                if target is None:
                    return []
                del msg.headers[i]
                return [(msg.serialize(), target)]
        return []

    def _check(self, msg: SipMessage) -> tuple[int, str, str | None] | None:
        """``None`` if authorised, else (status, reason, challenge header value)."""
        header = msg.get("Authorization")
        if header is None or not header.lower().startswith("digest"):
            nonce = secrets.token_hex(16)
            self._nonces.add(nonce)
            return (
                401,
                "Unauthorized",
                f'Digest realm="{self.realm}", nonce="{nonce}", algorithm=MD5',
            )
        p = {m.group(1).lower(): m.group(2) or m.group(3) for m in _PARAM.finditer(header[6:])}
        if p.get("nonce") not in self._nonces:
            return 401, "Unauthorized", self._challenge_again()
        ha1 = _md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = _md5(f"INVITE:{p.get('uri', '')}")
        if p.get("qop"):
            expected = _md5(f"{ha1}:{p['nonce']}:{p.get('nc')}:{p.get('cnonce')}:{p['qop']}:{ha2}")
        else:
            expected = _md5(f"{ha1}:{p['nonce']}:{ha2}")
        if p.get("username") != self.user or p.get("response") != expected:
            return 403, "Forbidden", None
        return None

    def _challenge_again(self) -> str:
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        return f'Digest realm="{self.realm}", nonce="{nonce}", algorithm=MD5, stale=true'

    def _reply(self, msg: SipMessage, status: int, reason: str, challenge: str | None) -> bytes:
        keep = {"via", "v", "from", "f", "call-id", "i", "cseq"}
        headers = [(n, v) for n, v in msg.headers if n.lower() in keep]
        headers.append(("To", f"{msg.get('To')};tag={secrets.token_hex(4)}"))
        if challenge is not None:
            headers.append(("WWW-Authenticate", challenge))
        headers.append(("Content-Length", "0"))
        return SipMessage(f"SIP/2.0 {status} {reason}", headers, b"").serialize()

    def _forward(self, msg: SipMessage, src: Addr) -> bytes:
        top = msg.get("Via") or ""
        branch = "z9hG4bK-gate-" + _md5(f"{top}|{src}")[:16]
        self._routes[branch] = src
        if len(self._routes) > _MAX_ROUTES:
            del self._routes[next(iter(self._routes))]
        host, port = self.public
        via = f"SIP/2.0/UDP {host}:{port};branch={branch}"
        msg.headers.insert(0, ("Via", via))
        return msg.serialize()


__all__ = ["DigestGate", "SipMessage"]
