"""``flask certificates``: the signing key, revocation, and a check of stored credentials."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.auth.models import User
from app.certificates import credential, keys, services
from app.certificates.jsonld import assert_nothing_dropped
from app.certificates.models import RevocationReason
from app.extensions import db
from app.unit_of_work import commit

certificates = AppGroup("certificates", help="Certificate signing keys and revocation.")


@certificates.command("keygen")
@click.option(
    "--pem",
    "pem_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the private key to this PEM file (mode 600), for CERT_SIGNING_KEY_FILE.",
)
def keygen(pem_path: str | None) -> None:
    """Generate an Ed25519 issuer key and print the settings that use it.

    Keep the private key secret. When replacing a key, move the old public key to
    CERT_RETIRED_PUBLIC_KEYS (with its old id) so credentials it signed still verify.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    if pem_path:
        path = Path(pem_path)
        fd = path.open("xb")  # never overwrite an existing key
        with fd:
            fd.write(keys.private_to_pem(private))
        path.chmod(0o600)
        click.echo(f"# private key written to {path}")
        click.echo(f"CERT_SIGNING_KEY_FILE={path}")
    else:
        click.echo(f"CERT_SIGNING_KEY={keys.secret_multibase(private)}")
    click.echo(f"# public key (publicKeyMultibase): {keys.public_multibase(private.public_key())}")
    click.echo("# set CERT_KEY_ID to a new id (key-2, ...) when this key replaces another one")


@certificates.command("revoke")
@click.argument("code")
@click.option(
    "--reason", required=True, type=click.Choice([reason.value for reason in RevocationReason])
)
@click.option("--note", required=True, help="Why (kept in the audit log, not shown publicly).")
@click.option("--by", "actor_email", help="The admin's email, recorded as the actor.")
def revoke(code: str, reason: str, note: str, actor_email: str | None) -> None:
    """Revoke the certificate with CODE and re-sign the status list."""

    certificate = services.find_by_code(code)
    if certificate is None:
        raise click.ClickException("no certificate with that code")
    actor = None
    if actor_email:
        actor = db.session.scalar(db.select(User).where(User.email == actor_email.lower()))
        if actor is None:
            raise click.ClickException(f"no account with {actor_email}")
    try:
        services.revoke(certificate, reason=reason, note=note, actor=actor)
    except services.CertificateError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"revoked {certificate.code} ({reason})")


@certificates.command("check")
def check() -> None:
    """Verify the proof of every stored credential with the configured keys, and check that
    JSON-LD expansion keeps every value of it (the full check, kept off the issuing path)."""

    bad = 0
    for certificate in services.all_certificates(limit=10**9):
        document = certificate.credential
        problems = []
        if not credential.verify(document):
            problems.append("proof does not verify")
        proof = document.get("proof")
        parts = [{k: v for k, v in document.items() if k != "proof"}]
        if isinstance(proof, dict):
            options = {k: v for k, v in proof.items() if k != "proofValue"}
            parts.append({"@context": document.get("@context"), **options})
        # Imported here: pyld costs every web worker 10 MiB, and only this command needs it.
        from pyld.jsonld import JsonLdError

        for part in parts:
            try:
                assert_nothing_dropped(part)
            except (ValueError, JsonLdError) as exc:
                problems.append(f"JSON-LD expansion loses values ({str(exc)[:120]})")
                break
        for problem in problems:
            click.echo(f"{problem}: {certificate.code}")
        bad += bool(problems)
    if bad:
        raise click.ClickException(f"{bad} credential(s) failed")
    click.echo("all credentials verify")
