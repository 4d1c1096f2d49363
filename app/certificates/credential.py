"""The certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC Data Model 2.0),
secured with an embedded ``eddsa-rdfc-2022`` Data Integrity proof.

The recipient is identified by a salted SHA-256 hash of their email (OB 3.0 ``IdentityObject``),
plus their name as printed on the certificate; nothing else personal is included.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.certificates import integrity, status_list
from app.certificates.keys import issuer_keys
from app.learning.content import pick

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
SECURITY_V2 = "https://w3id.org/security/v2"
MEDIA_TYPE = "application/ld+json"


def credential_url(code: str) -> str:
    return f"{issuer_keys().base_url}/certificates/{code}.json"


def verify_url(code: str) -> str:
    return f"{issuer_keys().base_url}/verify/{code}"


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex(SHA-256(identity + salt))."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def issuer_profile(course) -> dict[str, Any]:
    keys = issuer_keys()
    organisation = pick(course.organisation, "en").value or "Tekser"
    return {"id": keys.issuer_id, "type": ["Profile"], "name": organisation, "url": keys.base_url}


def achievement(course, lang: str) -> dict[str, Any]:
    keys = issuer_keys()
    title = pick(course.title, lang)
    summary = pick(course.summary, lang).value or title.value
    with force_locale(title.lang):
        narrative = _(
            "Completed every module of the course: read each lesson, passed each quiz, and "
            "had each homework fact-check reviewed and accepted by a reviewer."
        )
    return {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{keys.base_url}/courses/{course.slug}").urn,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title.value,
        "description": summary,
        "criteria": {"narrative": narrative},
        "inLanguage": title.lang,
        "creator": issuer_profile(course),
    }


def build(
    *,
    code: str,
    holder_name: str,
    email: str,
    course,
    lang: str,
    status_index: int,
    issued_at: datetime,
) -> dict[str, Any]:
    """The unsigned credential for one certificate."""
    salt = secrets.token_hex(16)
    return {
        "@context": [VC_V2, OB_V3],
        "id": credential_url(code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": pick(course.title, lang).value,
        "issuer": issuer_profile(course),
        "validFrom": integrity.xsd_datetime(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity_hash(email, salt),
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": holder_name,
                },
            ],
            "achievement": achievement(course, lang),
        },
        "credentialStatus": status_list.entry(status_index),
    }


def issue(unsigned: dict[str, Any], *, issued_at: datetime) -> dict[str, Any]:
    return integrity.sign(unsigned, issuer_keys(), created=issued_at)


def verify(document: dict[str, Any]) -> bool:
    """Check the proof in Python (the interop tests check it with an independent verifier)."""
    return integrity.verify(document, issuer_keys())


def controller_document() -> dict[str, Any]:
    """The issuer's controller document: its public keys, current and retired.

    Served at the issuer id (``BASE_URL/issuer``); each key is ``BASE_URL/issuer#<key-id>``.
    """
    keys = issuer_keys()
    methods = [
        {
            "id": f"{keys.issuer_id}#{fragment}",
            "type": "Multikey",
            "controller": keys.issuer_id,
            "publicKeyMultibase": value,
        }
        for fragment, value in keys.published().items()
    ]
    return {
        "@context": [SECURITY_V2, MULTIKEY_V1],
        "id": keys.issuer_id,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
