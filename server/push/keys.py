"""The server's VAPID key pair (RFC 8292): from `VAPID_PRIVATE_KEY`, else generated once into
`instance/vapid_private.pem`.

Browsers bind a subscription to the public key they were given, so every web and worker process
must sign with the same key: several machines need the setting (a PEM or the raw 32-byte key in
base64url, as `vapid --gen` and `web-push generate-vapid-keys` print it).
"""

from __future__ import annotations

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

KEY_FILE = "vapid_private.pem"
_warned: list[bool] = []  # the production warning, once per process


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key given as PEM, or as its 32 raw bytes in base64url."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        key = ec.derive_private_key(int.from_bytes(_b64url_decode(text), "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key")
    return key


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _instance_key(instance_path: Path) -> bytes:
    """The key file in instance/, made on first use; O_EXCL so that two processes starting
    together end up with one key (the loser reads the winner's)."""
    path = instance_path / KEY_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        pem = _pem(ec.generate_private_key(ec.SECP256R1()))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
    return path.read_bytes()


@cache
def _load(setting: str | None, instance_path: str) -> ec.EllipticCurvePrivateKey:
    if setting:
        return parse_private_key(setting)
    key = serialization.load_pem_private_key(_instance_key(Path(instance_path)), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def private_key() -> ec.EllipticCurvePrivateKey:
    setting = current_app.config.get("VAPID_PRIVATE_KEY")
    if not setting and current_app.config.get("ENV_NAME") == "production" and not _warned:
        _warned.append(True)
        current_app.logger.warning(
            "VAPID_PRIVATE_KEY is not set: using instance/%s; every web and worker machine must share one key",
            KEY_FILE,
        )
    return _load(setting, current_app.instance_path)


def private_key_pem() -> bytes:
    return _pem(private_key())


def public_key() -> str:
    """The application server key the browser subscribes with: the uncompressed point, base64url."""
    point = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)
