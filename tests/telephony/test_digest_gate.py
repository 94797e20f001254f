"""The bridge's digest gate (sans-I/O): challenge, verify, forward, route responses back."""

from __future__ import annotations

import hashlib
import re

from callscribe.bridge.digest_gate import DigestGate, SipMessage

CLIENT = ("127.0.0.1", 5070)
INVITE = (
    "INVITE sip:+14155550100@127.0.0.1:5080;user=phone SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport\r\n"
    "From: <sip:acct@127.0.0.1>;tag=f1\r\n"
    "To: <sip:+14155550100@127.0.0.1>\r\n"
    "Call-ID: call-1\r\n"
    "CSeq: {cseq} INVITE\r\n"
    "{auth}"
    "Content-Length: 0\r\n\r\n"
)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def gate() -> DigestGate:
    return DigestGate("realm", "acct", "pw", ("127.0.0.1", 5080), ("127.0.0.1", 6000))


def invite(cseq: int, auth: str = "") -> bytes:
    return INVITE.format(cseq=cseq, auth=auth).encode()


def authorization(challenge: str, password: str) -> str:
    nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)  # type: ignore[union-attr]
    uri = "sip:+14155550100@127.0.0.1:5080;user=phone"
    response = md5(f"{md5(f'acct:realm:{password}')}:{nonce}:{md5(f'INVITE:{uri}')}")
    return (
        f'Authorization: Digest username="acct", realm="realm", nonce="{nonce}", '
        f'uri="{uri}", response="{response}", algorithm=MD5\r\n'
    )


def test_challenge_then_forward_with_the_right_password() -> None:
    g = gate()
    [(reply, to)] = g.from_outside(invite(1), CLIENT)
    msg = SipMessage.parse(reply)
    assert msg.start == "SIP/2.0 401 Unauthorized"
    assert to == CLIENT
    assert (msg.get("To") or "").count(";tag=") == 1
    challenge = msg.get("WWW-Authenticate") or ""
    ack = invite(1).replace(b"INVITE sip", b"ACK sip").replace(b"1 INVITE", b"1 ACK")
    assert g.from_outside(ack, CLIENT) == []  # the refusal's ACK stops at the gate
    [(forwarded, to)] = g.from_outside(invite(2, authorization(challenge, "pw")), CLIENT)
    assert to == ("127.0.0.1", 6000)
    fwd = SipMessage.parse(forwarded)
    top_via = fwd.headers[0][1]
    assert top_via.startswith("SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-gate-")
    response = "SIP/2.0 180 Ringing\r\n" + forwarded.decode().split("\r\n", 1)[1]
    [(back, to)] = g.from_inner(response.encode())
    assert to == CLIENT
    assert SipMessage.parse(back).get("Via") == "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport"


def test_wrong_password_is_forbidden() -> None:
    g = gate()
    [(reply, _)] = g.from_outside(invite(1), CLIENT)
    challenge = SipMessage.parse(reply).get("WWW-Authenticate") or ""
    [(reply, to)] = g.from_outside(invite(2, authorization(challenge, "nope")), CLIENT)
    assert SipMessage.parse(reply).start == "SIP/2.0 403 Forbidden"
    assert to == CLIENT


def test_unknown_nonce_is_challenged_again() -> None:
    g = gate()
    challenge = 'Digest realm="realm", nonce="0000"'
    [(reply, _)] = g.from_outside(invite(1, authorization(challenge, "pw")), CLIENT)
    assert SipMessage.parse(reply).start == "SIP/2.0 401 Unauthorized"


def test_in_dialog_requests_pass_through() -> None:
    bye = invite(3).replace(b"INVITE sip", b"BYE sip").replace(b"3 INVITE", b"3 BYE")
    bye = bye.replace(b"To: <sip:+14155550100@127.0.0.1>", b"To: <sip:x@127.0.0.1>;tag=t9")
    [(_, to)] = gate().from_outside(bye, CLIENT)
    assert to == ("127.0.0.1", 6000)
