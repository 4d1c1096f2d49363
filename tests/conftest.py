"""Shared fixtures: an app per test on a clean database (SQLite or PostgreSQL), a real SMTP
sink, and factories that return callables (``make_user(role=...)``)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.policy import Role

TEST_DB_URL = os.environ.get("TEST_DATABASE_URL")
ON_POSTGRES = bool(TEST_DB_URL and TEST_DB_URL.startswith("postgresql"))
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Sink:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class Mailbox:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    @property
    def messages(self):
        with self.sink.lock:
            return list(self.sink.messages)

    def clear(self) -> None:
        with self.sink.lock:
            self.sink.messages.clear()

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str):
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def links(self, message) -> list[str]:
        return re.findall(r"https?://\S+", self.text(message))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """Build the schema once per run; each test then starts from empty tables."""
    url = TEST_DB_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    yield url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if ON_POSTGRES:
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(db.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(db.text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture
def app_factory(database_url, smtp_sink, tmp_path) -> Iterator[Callable]:
    made = []

    def factory(**overrides):
        settings = dict(
            SQLALCHEMY_DATABASE_URI=database_url,
            MAIL_PORT=smtp_sink[1],
            UPLOAD_DIR=str(tmp_path / "uploads"),
        )
        settings.update(overrides)
        app = create_app("test", **settings)
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    """A fresh app on empty tables. No app context stays pushed: each request must get its own
    (a shared one would carry ``g`` and the signed-in user from one request to the next)."""
    app = app_factory()
    with app.app_context():
        _empty_tables()
    return app


@pytest.fixture
def client(app):
    """A browser that prefers English (tests that need kk or ru say so)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def mailbox(smtp_sink) -> Mailbox:
    box = Mailbox(smtp_sink[0])
    box.clear()
    return box


def detached(obj):
    """Load ``obj`` fully and detach it, so tests can read it outside the app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def csrf_token(client, url: str = "/") -> str:
    response = client.get(url)
    found = CSRF_RE.search(response.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def post_form(
    client, url: str, data: dict | None = None, *, token_from: str | None = None, **kwargs
):
    """POST like a browser: with the CSRF token the site gave this client."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or "/"))
    return client.post(url, data=data, **kwargs)


@pytest.fixture
def make_user(app) -> Callable:
    from app.auth import services

    counter = iter(range(1, 10**6))

    def make(
        role: Role | str | tuple = Role.STUDENT,
        *,
        email: str | None = None,
        name: str | None = None,
        password: str = "correct horse battery",
        verified: bool = True,
        locale: str | None = None,
        active: bool = True,
    ):
        n = next(counter)
        roles = role if isinstance(role, tuple) else (role,)
        with app.app_context():
            user = services.create_user(
                email=email or f"user{n}@example.com",
                name=name or f"Test User {n}",
                password=password,
                roles=[Role(r) for r in roles],
                locale=locale,
                verified=verified,
            )
            user.active = active
            db.session.commit()
            return detached(user)

    return make


@pytest.fixture
def login(app) -> Callable:
    """Sign ``user`` in on ``client`` without the login form (that has its own tests)."""
    from app.auth.models import LoginSession
    from app.auth.sessions import _hash

    def do(client, user):
        token = f"test-{user.id}-{os.urandom(8).hex()}"
        with app.app_context():
            db.session.add(LoginSession(token_hash=_hash(token), user_id=user.id))
            db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client

    return do


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` then ``counter.count``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


ROOT = Path(__file__).resolve().parent.parent
