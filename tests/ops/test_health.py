"""Liveness and readiness probes: cheap, public, never rate-limited, never writing, answering a
load balancer's own Host in production, and 503 with the failing check named when not ready."""

from __future__ import annotations

import socket

from app.extensions import limiter
from tests.fixtures.mail import free_port


def test_liveness_is_cheap_and_sets_no_cookie(client, count_queries, make_user, login):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert counter.count == 0
    login(client, make_user())  # a signed-in browser's cookie does not make it load the user
    with count_queries() as counter:
        assert client.get("/healthz").status_code == 200
    assert counter.count == 0


def test_readiness_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "storage": "ok",
    }
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_pings_redis_when_it_keeps_the_limits(app_factory, redis_url):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
    body = app.test_client().get("/readyz").get_json()
    assert body["checks"]["redis"]["status"] == "ok"
    assert body["status"] == "ok"


def closed_port() -> int:
    port = free_port()
    with socket.socket() as probe:  # nothing listens there
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    return port


def test_unreachable_redis_is_not_ready_and_the_answer_names_no_address(app_factory):
    port = closed_port()
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert str(port) not in response.get_data(as_text=True)


def test_unreachable_database_is_not_ready(app_factory):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/tekser"
    response = app_factory(SQLALCHEMY_DATABASE_URI=url).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["status"] == "fail"


def test_missing_or_read_only_upload_folder_is_not_ready_and_the_probe_writes_nothing(
    app_factory, tmp_path
):
    folder = tmp_path / "files"
    app = app_factory(UPLOAD_DIR=str(folder))  # create_app makes the folder
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    assert list(folder.iterdir()) == []  # checked by permission, nothing written and removed
    folder.chmod(0o500)
    try:
        if not _writable_as_us(folder):
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.get_json()["checks"]["storage"]["status"] == "fail"
    finally:
        folder.chmod(0o700)
    folder.rmdir()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"]["status"] == "fail"
    assert not folder.exists()  # a GET does not create it either


def _writable_as_us(folder) -> bool:
    import os

    return os.access(folder, os.W_OK)  # root may write anywhere: then only the removal counts


def test_probes_are_never_rate_limited(app_factory):
    """Even under a site-wide limit (``RATELIMIT_APPLICATION``) a busy probe is answered."""
    limiter.limit_manager.set_application_limits([])
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute")
    limiter.reset()
    try:
        client = app.test_client()
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 200
        assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        # The limiter is shared by every app in this process: take the site-wide limit away.
        limiter.limit_manager.set_application_limits([])
        limiter.reset()


def test_production_probes_answer_the_load_balancers_own_host(production_app):
    app = production_app(METRICS_TOKEN="scrape-secret")
    client = app.test_client()
    for host in ("10.0.0.7:8000", "node-2.internal", "127.0.0.1"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
        assert client.get("/readyz", headers={"Host": host}).status_code == 200, host
        response = client.get(
            "/metrics", headers={"Host": host, "Authorization": "Bearer scrape-secret"}
        )
        assert response.status_code == 200, host
        # Every other page still refuses a Host that is not ours.
        assert client.get("/", headers={"Host": host}).status_code == 400
        assert client.get("/healthz/", headers={"Host": host}).status_code == 400
    assert client.get("/healthz", base_url="https://tekser.example").status_code == 200


def test_readiness_asks_the_s3_bucket_and_writes_nothing(app_factory, s3_server):
    from tests.fixtures.s3 import BUCKET, KEYS

    s3 = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_server, "S3_PREFIX": "probe", **KEYS}
    app = app_factory(S3_BUCKET=BUCKET, **s3)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["storage"]["status"] == "ok"
    with app.app_context():
        from app import storage

        assert list(storage.backend().entries()) == []

    missing = app_factory(S3_BUCKET="no-such-bucket", **s3).test_client().get("/readyz")
    assert missing.status_code == 503
    assert missing.get_json()["checks"]["storage"]["status"] == "fail"
    assert "no-such-bucket" not in missing.get_data(as_text=True)
