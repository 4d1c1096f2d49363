"""Revocation as a W3C Bitstring Status List: one bit per certificate, at a random index.

The list is rebuilt from the database and re-signed in the same transaction as each
revocation, so the published list and the verification page never disagree.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.certificates import integrity
from app.certificates.keys import issuer_keys
from app.certificates.models import STATUS_LIST_ID, STATUS_LIST_SIZE, Certificate, StatusList
from app.db import utcnow
from app.extensions import db

VC_V2 = "https://www.w3.org/ns/credentials/v2"
PURPOSE = "revocation"


def list_url(list_id: int = STATUS_LIST_ID) -> str:
    return f"{issuer_keys().base_url}/status/{list_id}"


def random_index() -> int:
    return secrets.randbelow(STATUS_LIST_SIZE)


def encode(indices: set[int], size: int = STATUS_LIST_SIZE) -> str:
    """Multibase base64url (no padding) of the GZIP of the bits; index 0 is the first bit."""
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a certificate at ``index``."""
    url = list_url()
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def build(revoked: set[int], *, now: datetime) -> dict[str, Any]:
    keys = issuer_keys()
    url = list_url()
    unsigned = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_id,
        "validFrom": integrity.xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
        },
    }
    return integrity.sign(unsigned, keys, created=now)


def revoked_indices() -> set[int]:
    return set(
        db.session.scalars(
            db.select(Certificate.status_index).where(Certificate.revoked_at.is_not(None))
        )
    )


def republish() -> StatusList:
    """Rebuild and re-sign the list from the database (call after any revocation, then flush).

    The row is locked first on PostgreSQL, so two concurrent revocations publish one after
    the other and the later list contains both.
    """
    row = db.session.scalar(
        db.select(StatusList).where(StatusList.id == STATUS_LIST_ID).with_for_update()
    )
    now = utcnow()
    credential = build(revoked_indices(), now=now)
    if row is None:
        row = StatusList(id=STATUS_LIST_ID, purpose=PURPOSE, credential=credential, signed_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # a concurrent first revocation created it: wait for it, redo
            return republish()
    else:
        row.credential, row.signed_at = credential, now
    db.session.flush()
    return row


def published(list_id: int) -> dict[str, Any] | None:
    """The signed list to serve; before any revocation, a freshly signed empty list."""
    if list_id != STATUS_LIST_ID:
        return None
    row = db.session.get(StatusList, list_id)
    if row is not None:
        return row.credential
    cache = current_app.extensions.setdefault("tekser_empty_status_list", {})
    key = issuer_keys().verification_method
    if key not in cache:
        cache[key] = build(set(), now=utcnow())
    return cache[key]
