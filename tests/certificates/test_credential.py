"""The signed Open Badges 3.0 credential: its structure, its proof in Python, and the verdict
of an independent verifier (Digital Bazaar's JS libraries, offline, pinned by package-lock)."""

import copy
import hashlib

import pytest
from pyld.jsonld import JsonLdError

from app.certificates import credential, integrity, jsonld, services, status_list
from app.extensions import db
from tests.certificates.conftest import KAZAKH


@pytest.fixture
def issued(app, graduate, titles):
    user, code = graduate(email="Aigerim@Example.kz")
    with app.app_context():
        return user, code, copy.deepcopy(services.find_by_code(code).credential)


def documents(client):
    return client.get("/issuer").get_json(force=True), client.get("/status/1").get_json(force=True)


def test_the_credential_is_an_open_badge(issued, titles):
    _user, code, vc = issued
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["id"] == f"http://localhost/certificates/{code}.json"
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == "http://localhost/issuer"
    assert vc["issuer"]["type"] == ["Profile"] and vc["issuer"]["name"] == "Tekser School"
    assert vc["validFrom"].endswith("Z")
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    email, name = subject["identifier"]
    assert email["type"] == "IdentityObject" and email["identityType"] == "emailAddress"
    assert email["hashed"] is True and len(email["salt"]) >= 16
    digest = hashlib.sha256(("aigerim@example.kz" + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${digest}"
    assert "Aigerim@" not in str(vc).lower() and "example.kz" not in str(vc).lower()
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": f"Айгерім {KAZAKH}",
    }
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"].startswith("urn:uuid:")
    assert achievement["name"] == titles["kk"]
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert achievement["inLanguage"] == "kk"
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "http://localhost/status/1"
    proof = vc["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["verificationMethod"] == "http://localhost/issuer#key-1"
    assert proof["proofPurpose"] == "assertionMethod" and proof["proofValue"].startswith("z")


def test_every_value_survives_json_ld_expansion(issued):
    _user, _code, vc = issued
    jsonld.assert_nothing_dropped({k: v for k, v in vc.items() if k != "proof"})
    with pytest.raises(jsonld.DroppedTerms):
        jsonld.assert_nothing_dropped({**vc, "favouriteColour": "blue"})


def test_only_bundled_contexts_are_loaded():
    with pytest.raises(jsonld.UnknownContext):
        jsonld.document_loader("https://example.org/context.jsonld")
    with pytest.raises(JsonLdError) as raised:
        jsonld.canonize({"@context": "https://example.org/ctx", "name": "x"})
    causes, error = [], raised.value
    while error is not None:
        causes.append(getattr(error, "code", None))
        error = error.__cause__
    assert "loading remote context failed" in causes


def test_text_is_normalised_and_control_characters_stripped():
    assert jsonld.clean_text("A\u0007B\u0008C\u000cD\u007fE") == "ABCDE"
    assert jsonld.clean_text("Ә\u0301\tx\n") == "Ә\u0301 x"
    assert jsonld.clean_text("e\u0301") == "é"


def test_the_proof_verifies_in_python_and_tampering_breaks_it(app, issued):
    _user, _code, vc = issued
    with app.test_request_context():
        assert credential.verify(vc)
        for change in (
            lambda d: d["credentialSubject"]["identifier"][1].update(identityHash="Mallory"),
            lambda d: d["credentialSubject"]["achievement"].update(name="Another course"),
            lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
            lambda d: d["proof"].update(created="2020-01-01T00:00:00Z"),
            lambda d: d["proof"].update(verificationMethod="http://localhost/issuer#key-9"),
            lambda d: d["issuer"].update(id="https://evil.example/issuer"),
        ):
            tampered = copy.deepcopy(vc)
            change(tampered)
            assert not credential.verify(tampered)


def test_the_status_list_is_signed_and_marks_revoked_indices(app, client, issued):
    _user, code, vc = issued
    index = int(vc["credentialStatus"]["statusListIndex"])
    _issuer, before = documents(client)
    assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert before["credentialSubject"]["statusPurpose"] == "revocation"
    bits = status_list.decode(before["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 131_072 and not status_list.is_set(bits, index)
    with app.app_context():
        services.revoke(services.find_by_code(code), reason="identity", note="n", actor=None)
        db.session.commit()
    _issuer, after = documents(client)
    bits = status_list.decode(after["credentialSubject"]["encodedList"])
    assert status_list.is_set(bits, index) and sum(bin(b).count("1") for b in bits) == 1
    with app.test_request_context():
        assert credential.verify(after)


def test_status_list_encoding_puts_index_zero_first():
    bits = status_list.decode(status_list.encode({0, 9}, size=16))
    assert bits == bytes([0b1000_0000, 0b0100_0000])


def test_the_independent_verifier_accepts_rejects_and_sees_revocation(
    app, client, issued, js_verifier
):
    _user, code, vc = issued
    issuer, status = documents(client)
    assert js_verifier(vc, issuer, status) == {"verified": True, "revoked": False, "errors": []}

    tampered = copy.deepcopy(vc)
    tampered["credentialSubject"]["identifier"][1]["identityHash"] = "Mallory"
    verdict = js_verifier(tampered, issuer, status)
    assert verdict["verified"] is False and verdict["errors"]

    with app.app_context():
        services.revoke(services.find_by_code(code), reason="misconduct", note="n", actor=None)
        db.session.commit()
    issuer, status = documents(client)
    verdict = js_verifier(vc, issuer, status)
    assert verdict["revoked"] is True  # the library's own "verified" stays true: read the status


def test_the_independent_verifier_checks_the_status_list_signature(client, issued, js_verifier):
    _user, _code, vc = issued
    issuer, status = documents(client)
    forged = copy.deepcopy(status)
    forged["credentialSubject"]["encodedList"] = status_list.encode(set())  # same, re-encoded
    forged["validFrom"] = "2021-01-01T00:00:00Z"
    verdict = js_verifier(vc, issuer, forged)
    assert verdict["verified"] is False


def test_xsd_datetime_has_no_fraction():
    from datetime import UTC, datetime

    assert integrity.xsd_datetime(datetime(2025, 3, 14, 9, 26, 53, 589, UTC)) == (
        "2025-03-14T09:26:53Z"
    )
