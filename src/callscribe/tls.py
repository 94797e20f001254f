"""A self-signed certificate for ``serve --self-signed``, made once into the data directory."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEFAULT_NAMES = ("localhost", "api.symbl.ai")
DEFAULT_IPS = ("127.0.0.1", "::1")


def ensure_self_signed(directory: Path, extra_host: str | None = None) -> tuple[Path, Path]:
    """Paths of a certificate and key under ``directory/tls``, generated if missing or expired."""
    tls_dir = directory / "tls"
    cert_path, key_path = tls_dir / "cert.pem", tls_dir / "key.pem"
    now = dt.datetime.now(dt.UTC)
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.not_valid_after_utc > now + dt.timedelta(days=7):
            return cert_path, key_path
    tls_dir.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in DEFAULT_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in DEFAULT_IPS]
    if extra_host and extra_host not in DEFAULT_NAMES + DEFAULT_IPS + ("0.0.0.0", "::"):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(extra_host)))
        except ValueError:
            names.append(x509.DNSName(extra_host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "callscribe self-signed")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path
