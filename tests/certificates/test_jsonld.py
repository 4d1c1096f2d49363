"""JSON-LD for signing: no credential the app signs loses a value to its contexts, and the
per-thread context cache that keeps issuing fast gives the same canonical form as no cache.

The full dropped-value check (a second expansion) is not on the issuing path: these tests run
it on every document shape the app signs, and ``flask certificates check`` on stored ones.
"""

import copy
import threading
from datetime import UTC, datetime

import pytest
from pyld import jsonld as pyld

from app.certificates import integrity, jsonld, services, status_list
from app.certificates.models import Certificate
from app.extensions import db

CANON = {"algorithm": "URDNA2015", "format": "application/n-quads"}


def uncached_canonize(document: dict) -> str:
    """RDFC-1.0 without any context cache: the loader's answers are not marked static."""

    def loader(url, options=None):
        return {k: v for k, v in jsonld.document_loader(url, options).items() if k != "tag"}

    return pyld.normalize(copy.deepcopy(document), {**CANON, "documentLoader": loader})


def proof_options(document: dict) -> dict:
    """The proof configuration as it is canonicalised: the proof, minus its value, under the
    document's context."""
    proof = {k: v for k, v in document["proof"].items() if k != "proofValue"}
    return {"@context": document["@context"], **proof}


def unsecured(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


@pytest.fixture
def signed_shapes(app, graduate, course):
    """Every kind of document the app signs, as it signed it: a certificate in each language
    (one whose course has neither organisation nor summary), the status list empty and with a
    revocation."""
    from app.learning.models import Course

    shapes = {}
    for lang in ("kk", "ru", "en"):
        _user, code = graduate(locale=lang)
        with app.app_context():
            shapes[f"certificate-{lang}"] = copy.deepcopy(services.find_by_code(code).credential)
    with app.app_context():
        row = db.session.get(Course, course[0])
        row.organisation, row.summary = {}, {}
        db.session.commit()
    _user, code = graduate(locale="en")
    with app.test_request_context():
        shapes["certificate-bare-course"] = copy.deepcopy(services.find_by_code(code).credential)
        shapes["status-list-empty"] = status_list.build(set(), now=datetime.now(UTC))
        certificate = services.find_by_code(code)
        services.revoke(certificate, reason="other", note="", actor=None)
        db.session.commit()
        shapes["status-list-revoked"] = copy.deepcopy(status_list.published(1))
    return shapes


def test_every_signed_document_keeps_every_value(app, signed_shapes):
    with app.test_request_context():
        for name, document in signed_shapes.items():
            assert integrity.verify(document, _keys()), name
            jsonld.assert_nothing_dropped(unsecured(document))
            jsonld.assert_nothing_dropped(proof_options(document))


def test_the_bare_course_falls_back_to_defaults(signed_shapes):
    vc = signed_shapes["certificate-bare-course"]
    assert vc["issuer"]["name"] == "Tekser"
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["description"] == achievement["name"]


def test_the_cache_gives_the_same_canonical_form_as_no_cache(signed_shapes):
    for name, document in signed_shapes.items():
        for part in (unsecured(document), proof_options(document)):
            expected = uncached_canonize(part)
            assert jsonld.canonize(copy.deepcopy(part)) == expected, name
            assert jsonld.canonize(copy.deepcopy(part)) == expected, name  # warm cache


def test_another_thread_canonicalises_alike(signed_shapes):
    document = unsecured(signed_shapes["certificate-kk"])
    here, there = jsonld.canonize(document), []
    worker = threading.Thread(target=lambda: there.append(jsonld.canonize(document)))
    worker.start()
    worker.join()
    assert there == [here]


def test_canonicalising_refuses_a_dropped_property_anywhere(signed_shapes):
    vc = unsecured(signed_shapes["certificate-kk"])
    with pytest.raises(jsonld.DroppedTerms):
        jsonld.canonize({**vc, "favouriteColour": "blue"})
    nested = copy.deepcopy(vc)
    nested["credentialSubject"]["achievement"]["favouriteColour"] = "blue"
    with pytest.raises(jsonld.DroppedTerms):
        jsonld.canonize(nested)
    with pytest.raises(jsonld.DroppedTerms):
        jsonld.assert_nothing_dropped(nested)


def test_cli_check_reports_a_credential_that_loses_a_value(app, graduate):
    _user, code = graduate()
    with app.app_context():
        certificate = services.find_by_code(code)
        document = copy.deepcopy(certificate.credential)
        document["favouriteColour"] = "blue"
        certificate.credential = document
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "check"])
    assert result.exit_code != 0
    assert "JSON-LD expansion loses values (JSON-LD expansion kept" in result.output
    assert result.output.count(code) == 2  # the proof fails too


def _keys():
    from app.certificates.keys import issuer_keys

    return issuer_keys()


def test_the_issued_credential_is_stored_as_signed(app, graduate):
    _user, code = graduate()
    with app.test_request_context():
        stored = db.session.scalar(db.select(Certificate).where(Certificate.code == code))
        assert integrity.verify(copy.deepcopy(stored.credential), _keys())
