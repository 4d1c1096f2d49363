"""JSON logs in production: one object per line, one access line per request with its request
id, nothing in a path able to break a line; a caller's X-Request-ID kept only if it is safe."""

from __future__ import annotations

import json

import pytest


def json_lines(capsys) -> list[dict]:
    """Every line written to stderr, each of which must be one JSON object."""
    err = capsys.readouterr().err
    lines = [line for line in err.split("\n") if line]
    return [json.loads(line) for line in lines]


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "tekser.access"]


def test_production_writes_one_json_access_line_per_request(production_app, capsys):
    client = production_app().test_client()
    capsys.readouterr()
    response = client.get("/login", base_url="https://tekser.example")
    assert response.status_code == 200
    [line] = access_lines(json_lines(capsys))
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/login"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["remote_addr"] == "127.0.0.1"
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert "user_id" not in line


def test_the_access_line_names_the_signed_in_user(production_app, app, make_user, login, capsys):
    target = production_app(empty=False, BASE_URL="http://localhost")
    user = make_user()
    client = login(target.test_client(), user)
    capsys.readouterr()
    response = client.get("/account")
    assert response.status_code == 200
    [line] = access_lines(json_lines(capsys))
    assert line["user_id"] == user.id


def test_naming_the_user_costs_no_query(production_app, app, make_user, login, capsys):
    """The id comes from the identity map: reading the user after the request's commit expired
    it would load the user again (one more statement on every signed-in page)."""
    from sqlalchemy import event

    from app.extensions import db

    target = production_app(empty=False, BASE_URL="http://localhost")
    client = login(target.test_client(), make_user())
    client.get("/account")  # the identity is cached from here on (ADR 0024)
    counted: list[str] = []
    with target.app_context():
        engine = db.engine
    listener = lambda *args: counted.append(args[2])  # noqa: E731 (statement text)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/account")
        with_json = len(counted)
        target.config["LOG_FORMAT"] = "text"
        counted.clear()
        client.get("/account")
        without = len(counted)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert with_json == without, counted


def test_a_safe_incoming_request_id_is_kept(production_app, capsys):
    client = production_app().test_client()
    capsys.readouterr()
    rid = "0f8fad5bd9cb469fa16570867728950e"  # nginx's $request_id
    response = client.get("/healthz", headers={"X-Request-ID": rid, "Host": "10.0.0.9"})
    assert response.headers["X-Request-ID"] == rid
    [line] = access_lines(json_lines(capsys))
    assert line["request_id"] == rid


@pytest.mark.parametrize(
    "given",
    ["a b", "x" * 33, "<script>", "id;rm -rf", "-leading-dash", "ид-запроса", ""],
)
def test_an_unsafe_incoming_request_id_is_replaced(app, given):
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    rid = response.headers["X-Request-ID"]
    assert rid != given and len(rid) == 16 and int(rid, 16) >= 0


def test_newlines_in_a_path_cannot_break_or_forge_a_line(production_app, capsys):
    client = production_app().test_client()
    capsys.readouterr()
    forged = '{"level": "CRITICAL", "message": "forged"}'
    path = f"/no-such-page%0A{forged}%0D%0Amore%E2%80%A8end"
    response = client.get(path, base_url="https://tekser.example")
    assert response.status_code == 404
    lines = json_lines(capsys)  # each line parses as one object: no line was split
    assert all(line.get("message") != "forged" for line in lines)
    [line] = access_lines(lines)
    assert line["path"] == f"/no-such-page\n{forged}\r\nmore\u2028end"
    assert line["status"] == 404


def test_an_error_logged_during_a_request_carries_its_request_id(production_app, capsys):
    app = production_app(PROPAGATE_TEST_ERRORS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom\nsecond line")

    boom._tekser_access = "public"
    capsys.readouterr()
    response = app.test_client().get("/boom", base_url="https://tekser.example")
    assert response.status_code == 500
    lines = json_lines(capsys)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "kaboom" in error["exception"]
    assert access_lines(lines)[0]["status"] == 500


def test_development_logs_are_text_without_access_lines(app_factory, capsys):
    app = app_factory(LOG_FORMAT="text")
    capsys.readouterr()
    app.test_client().get("/healthz")
    assert "tekser.access" not in capsys.readouterr().err
