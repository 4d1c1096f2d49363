import pytest

from app import create_app
from config import ProductionConfig


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert len(response.headers["X-Request-ID"]) == 16


def test_no_inline_script_in_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app(
        ProductionConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db",
        UPLOAD_DIR=str(tmp_path / "u"),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_errors_are_pages_in_the_visitors_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def test_500_shows_a_request_id_and_no_trace(app_factory):
    app = app_factory(PROPAGATE_TEST_ERRORS=False)
    from app.policy import public

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret detail" not in html and "Traceback" not in html
    assert response.headers["X-Request-ID"] in html


def test_json_clients_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]
