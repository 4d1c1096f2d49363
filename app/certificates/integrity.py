"""W3C Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (Ed25519, Multikey).

    hash = SHA-256(canonical proof options) || SHA-256(canonical document)
    proofValue = "z" + base58btc(Ed25519-sign(hash))

where "canonical" is RDFC-1.0 over the document without its proof, and over the proof
options (the proof without ``proofValue``) under the document's ``@context``.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

from app.certificates import jsonld
from app.certificates.keys import IssuerKeys, b58decode, b58encode

CRYPTOSUITE = "eddsa-rdfc-2022"


def xsd_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof_config = {"@context": document["@context"], **options}
    return (
        hashlib.sha256(jsonld.canonize(proof_config).encode("utf-8")).digest()
        + hashlib.sha256(jsonld.canonize(unsecured).encode("utf-8")).digest()
    )


def sign(document: dict[str, Any], keys: IssuerKeys, *, created: datetime) -> dict[str, Any]:
    """A copy of ``document`` (text cleaned first) with an embedded ``DataIntegrityProof``."""
    document = jsonld.clean({k: v for k, v in document.items() if k != "proof"})
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": keys.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = keys.private.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def verify(document: dict[str, Any], keys: IssuerKeys) -> bool:
    """True when the proof is ours (a current or retired key) and matches the document."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return False
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    if proof.get("proofPurpose") != "assertionMethod":
        return False
    issuer = document.get("issuer")
    if (issuer.get("id") if isinstance(issuer, dict) else issuer) != keys.issuer_id:
        return False
    public = keys.public_key(str(proof.get("verificationMethod", "")))
    value = proof.get("proofValue", "")
    if public is None or not isinstance(value, str) or not value.startswith("z"):
        return False
    # pyld and cryptography load only when a credential is checked (issue 19)
    from cryptography.exceptions import InvalidSignature
    from pyld.jsonld import JsonLdError

    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        signature = b58decode(value[1:])
        public.verify(signature, _hash_data(copy.deepcopy(document), options))
    except (InvalidSignature, ValueError, JsonLdError):
        return False
    return True
