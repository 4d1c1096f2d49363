"""The issuer's Ed25519 signing key (Multikey), read from configuration.

Configuration (see ``flask certificates keygen``):

- ``CERT_SIGNING_KEY``: the private key as a Multikey ``secretKeyMultibase`` (``z3u2...``), or
- ``CERT_SIGNING_KEY_FILE``: a path to a PKCS#8 PEM file holding it;
- ``CERT_KEY_ID``: the fragment naming it in the issuer document (default ``key-1``);
- ``CERT_RETIRED_PUBLIC_KEYS``: earlier keys that stay published so old credentials still
  verify, as ``{"key-0": "z6Mk..."}`` or a list/comma-separated string of ``key-0=z6Mk...``.

Without a configured key, development and tests (``DEBUG``/``TESTING``, or
``CERT_ALLOW_DEV_KEY``) use a key generated once into ``instance/``; production refuses to sign.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from app import links

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# cryptography's primitives (about 9 MiB) are imported by the functions that use a key: a web
# worker loads them when it first signs or checks a credential, not to serve pages (issue 19).

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub
ED25519_PRIV = b"\x80\x26"  # multicodec ed25519-priv
DEV_KEY_FILE = "certificate-signing-key.pem"


class SigningKeyMissing(RuntimeError):
    """No signing key is configured where one is required."""


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_multibase(public: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB + raw)


def secret_multibase(private: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return "z" + b58encode(ED25519_PRIV + raw)


def public_from_multibase(value: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = b58decode(value[1:]) if value.startswith("z") else b""
    if len(data) != 34 or not data.startswith(ED25519_PUB):
        raise ValueError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_from_multibase(value: str) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = b58decode(value.strip()[1:]) if value.strip().startswith("z") else b""
    if len(data) != 34 or not data.startswith(ED25519_PRIV):
        raise ValueError("CERT_SIGNING_KEY is not an Ed25519 secretKeyMultibase (z3u2...)")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def private_to_pem(private: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_from_pem(data: bytes) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key file does not hold an Ed25519 key")
    return key


@dataclass(frozen=True)
class IssuerKeys:
    base_url: str
    key_id: str
    private: Ed25519PrivateKey
    retired: dict[str, str]  # fragment -> publicKeyMultibase

    @property
    def issuer_id(self) -> str:
        return f"{self.base_url}/issuer"

    @property
    def verification_method(self) -> str:
        return f"{self.issuer_id}#{self.key_id}"

    def published(self) -> dict[str, str]:
        """Every public key a verifier may need: the current one first, then retired ones."""
        keys = {self.key_id: public_multibase(self.private.public_key())}
        for fragment, value in self.retired.items():
            keys.setdefault(fragment, value)
        return keys

    def public_key(self, verification_method: str) -> Ed25519PublicKey | None:
        prefix = self.issuer_id + "#"
        if not verification_method.startswith(prefix):
            return None
        value = self.published().get(verification_method[len(prefix) :])
        return public_from_multibase(value) if value else None


def _retired(config_value) -> dict[str, str]:
    if not config_value:
        return {}
    if isinstance(config_value, dict):
        items = config_value.items()
    else:
        entries = config_value.split(",") if isinstance(config_value, str) else config_value
        items = (entry.strip().split("=", 1) for entry in entries if entry.strip())
    retired = {}
    for fragment, value in items:
        public_from_multibase(value.strip())  # refuse a malformed key at start, not at verify
        retired[fragment.strip()] = value.strip()
    return retired


def _dev_key(instance_path: str) -> Ed25519PrivateKey:
    """One key per instance folder, made on first use (an atomic create: no two writers race)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(instance_path) / DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(private_to_pem(Ed25519PrivateKey.generate()))
    return private_from_pem(path.read_bytes())


def _load_private(app) -> Ed25519PrivateKey:
    config = app.config
    if config.get("CERT_SIGNING_KEY"):
        return private_from_multibase(config["CERT_SIGNING_KEY"])
    if config.get("CERT_SIGNING_KEY_FILE"):
        return private_from_pem(Path(config["CERT_SIGNING_KEY_FILE"]).read_bytes())
    if config.get("CERT_ALLOW_DEV_KEY", app.debug or app.testing):
        return _dev_key(app.instance_path)
    raise SigningKeyMissing(
        "No certificate signing key configured: run `flask certificates keygen` and set "
        "CERT_SIGNING_KEY (or CERT_SIGNING_KEY_FILE) in the environment."
    )


def issuer_keys() -> IssuerKeys:
    """The current app's keys, loaded once per app."""
    app = current_app._get_current_object()
    cached = app.extensions.get("tekser_certificate_keys")
    if cached is None:
        cached = IssuerKeys(
            base_url=links.base_url(),
            key_id=app.config.get("CERT_KEY_ID") or "key-1",
            private=_load_private(app),
            retired=_retired(app.config.get("CERT_RETIRED_PUBLIC_KEYS")),
        )
        app.extensions["tekser_certificate_keys"] = cached
    return cached
