"""The issuer key: from configuration, never invented in production; retired keys published."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates import credential, keys
from app.db import utcnow


def test_multibase_round_trip():
    private = Ed25519PrivateKey.generate()
    secret = keys.secret_multibase(private)
    public = keys.public_multibase(private.public_key())
    assert secret.startswith("z3u2") and public.startswith("z6Mk")
    assert keys.public_multibase(keys.private_from_multibase(secret).public_key()) == public
    assert keys.public_multibase(keys.public_from_multibase(public)) == public
    with pytest.raises(ValueError):
        keys.private_from_multibase(public)


def test_production_refuses_to_sign_without_a_configured_key(app_factory):
    app = app_factory(TESTING=False, DEBUG=False, CERT_ALLOW_DEV_KEY=False)
    with app.app_context(), pytest.raises(keys.SigningKeyMissing, match="keygen"):
        keys.issuer_keys()


def test_a_configured_key_signs_and_retired_keys_still_verify(app_factory, tmp_path):
    old = Ed25519PrivateKey.generate()
    new = Ed25519PrivateKey.generate()
    old_app = app_factory(CERT_SIGNING_KEY=keys.secret_multibase(old), CERT_KEY_ID="key-1")
    pem = tmp_path / "key.pem"
    pem.write_bytes(keys.private_to_pem(new))
    new_app = app_factory(
        TESTING=False,
        CERT_SIGNING_KEY_FILE=str(pem),
        CERT_KEY_ID="key-2",
        CERT_RETIRED_PUBLIC_KEYS=f"key-1={keys.public_multibase(old.public_key())}",
    )
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "http://localhost/issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"name": "x"},
    }
    with old_app.app_context():
        signed = credential.issue(document, issued_at=utcnow())
        assert signed["proof"]["verificationMethod"].endswith("#key-1")
    with new_app.app_context():
        assert credential.verify(signed)
        controller = credential.controller_document()
        assert controller["assertionMethod"] == [
            "http://localhost/issuer#key-2",
            "http://localhost/issuer#key-1",
        ]
        newer = credential.issue(document, issued_at=utcnow())
        assert newer["proof"]["verificationMethod"].endswith("#key-2")
    with old_app.app_context():
        assert not credential.verify(newer)  # the old app does not know key-2


def test_keygen_prints_a_usable_key(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "keygen"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("CERT_SIGNING_KEY="))
    keys.private_from_multibase(line.split("=", 1)[1])
    pem = tmp_path / "k.pem"
    result = runner.invoke(args=["certificates", "keygen", "--pem", str(pem)])
    assert result.exit_code == 0 and pem.stat().st_mode & 0o777 == 0o600
    keys.private_from_pem(pem.read_bytes())
    assert runner.invoke(args=["certificates", "keygen", "--pem", str(pem)]).exit_code != 0
