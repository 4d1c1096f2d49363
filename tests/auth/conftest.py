"""An app built from ProductionConfig, as a deployment starts it (the environment checked by
``ProductionConfig.check``), on the test database and the SMTP sink."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import create_app
from app.extensions import db
from config import ProductionConfig
from tests.fixtures.app import empty_tables

PRODUCTION_ENV = {
    "SECRET_KEY": "production-test-" + "k" * 40,
    "RATELIMIT_SINGLE_PROCESS": "1",
}


def signing_key_env(folder) -> dict[str, str]:
    """A throwaway issuer key in a PEM file, as ``flask certificates keygen --pem`` writes it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.certificates import keys

    pem = folder / "issuer-key.pem"
    if not pem.exists():
        pem.write_bytes(keys.private_to_pem(Ed25519PrivateKey.generate()))
    return {"CERT_SIGNING_KEY_FILE": str(pem)}


@pytest.fixture
def production_app(monkeypatch, database_url, smtp_sink, tmp_path) -> Callable:
    made = []

    def make(env: dict | None = None, *, empty: bool = True, **overrides):
        monkeypatch.delenv("CERT_SIGNING_KEY", raising=False)
        monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
        for name, value in {**PRODUCTION_ENV, **signing_key_env(tmp_path), **(env or {})}.items():
            monkeypatch.setenv(name, value)
        settings = dict(
            SQLALCHEMY_DATABASE_URI=database_url,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_sink[1],
            UPLOAD_DIR=str(tmp_path / "uploads"),
            BASE_URL="https://tekser.example",
            EXTRA_TRUSTED_HOSTS=[],
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
            QUEUE_URL="memory://",
            QUEUE_IMMEDIATE=True,  # mail at commit, read right after the request
            SESSION_COOKIE_SECURE=False,
        )
        settings.update(overrides)
        app = create_app(ProductionConfig, **settings)
        made.append(app)
        if empty:
            with app.app_context():
                empty_tables()
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
