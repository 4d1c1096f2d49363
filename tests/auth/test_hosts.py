"""Links never come from the Host header: in every configuration a forged Host gets no link to
itself, production refuses it outright, and commands without a request build the same links."""

from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db
from tests.fixtures.homework import make_submission

BASE = "https://tekser.example"


@pytest.fixture
def development_app(database_url, smtp_sink, tmp_path):
    made = []

    def make(**overrides):
        settings = dict(
            SQLALCHEMY_DATABASE_URI=database_url,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_sink[1],
            UPLOAD_DIR=str(tmp_path / "uploads"),
            BASE_URL=BASE,
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
            QUEUE_URL="memory://",
            QUEUE_IMMEDIATE=True,  # mail at commit, read right after the request
        )
        app = create_app("development", **(settings | overrides))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_production_answers_only_its_own_host_names(production_app):
    app = production_app(EXTRA_TRUSTED_HOSTS=["www.tekser.example"])
    client = app.test_client()
    assert client.get("/", base_url="https://tekser.example").status_code == 200
    assert client.get("/", base_url="https://www.tekser.example").status_code == 200
    for host in ("evil.example", "tekser.example.evil.example", "127.0.0.1"):
        response = client.get("/forgot-password", headers={"Host": host})
        assert response.status_code == 400, host
        assert "unknown host" in response.get_data(as_text=True)


@pytest.mark.parametrize("config", ["test", "development", "production"])
def test_a_forged_host_never_gets_a_reset_link(
    config, app, app_factory, development_app, production_app, make_user, mailbox
):
    user = make_user(email="victim@example.com", locale="en")
    overrides = {"BASE_URL": BASE, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    target = {
        "test": lambda: app_factory(**overrides),
        "development": lambda: development_app(**overrides),
        "production": lambda: production_app(empty=False, **overrides),
    }[config]()
    client = target.test_client()
    response = client.post(
        "/forgot-password",
        data={"email": user.email},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    if config == "production":
        assert response.status_code == 400
        assert mailbox.to(user.email) == []
        return
    assert response.status_code == 302
    message = mailbox.last_to(user.email)
    links = mailbox.links(message)
    assert links and all(link.startswith(BASE + "/reset-password/") for link in links)
    assert "evil.example" not in message.as_string()


@pytest.mark.parametrize("config", ["development", "production"])
def test_the_review_digest_runs_from_the_command_line(
    config,
    app,
    world,
    development_app,
    production_app,
    mailbox,
):
    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    target = development_app() if config == "development" else production_app(empty=False)
    result = target.test_cli_runner().invoke(args=["review", "digest"])
    assert result.exit_code == 0, result.output
    assert "digest sent to 1 reviewer(s)" in result.output
    [link] = [x for x in mailbox.links(mailbox.last_to(world.reviewer.email)) if "/review" in x]
    assert link == BASE + "/review/"
