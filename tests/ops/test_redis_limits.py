"""Rate limits shared through Redis: two gunicorn workers in production, real CSRF tokens, one
account's login limit holding across both; with memory:// each worker counts alone, which is why
production refuses it. And when Redis goes away mid-run, each worker counts in memory until it
is back (README, "Running several workers"): logins are still limited, and nothing fails."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.extensions import limiter
from tests.auth.conftest import PRODUCTION_ENV, signing_key_env
from tests.concurrency import Browser, at_once
from tests.fixtures.app import ROOT, post_form
from tests.fixtures.mail import free_port

TOKEN = "scrape-" + "t" * 30
ATTEMPTS = 12
ACCOUNT_LIMIT = 5  # the default ACCOUNT_RATE_LIMIT: 5 per minute


@contextmanager
def gunicorn(tmp: Path, database_url: str, storage: str) -> Iterator[tuple[str, Path]]:
    """Tekser as production runs it: two sync workers, the ops gunicorn settings."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PATH": "/usr/bin:/bin",
        "TEKSER_ENV": "production",
        **PRODUCTION_ENV,
        **signing_key_env(tmp),
        "RATELIMIT_SINGLE_PROCESS": "1" if storage.startswith("memory") else "0",
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # counters of this run only
        "DATABASE_URL": database_url,
        "BASE_URL": base,
        "SESSION_COOKIE_SECURE": "false",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "TEKSER_INSTANCE_DIR": str(tmp),
        "MAIL_BACKEND": "console",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics"),
        "METRICS_TOKEN": TOKEN,
    }
    log = tmp / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:app.ops.gunicorn_config"]
    command += ["-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "app:create_app()"]
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def wrong_passwords(base: str, email: str) -> list[int]:
    """ATTEMPTS wrong passwords for one account at once, each with the page's CSRF token."""
    browser = Browser(base, host=base.split("//")[1])
    token = browser.token("/login")
    form = {"email": email, "password": "not the password", "next": ""}
    replies = at_once([lambda: browser.post("/login", form, token=token)] * ATTEMPTS)
    return [reply.status for reply in replies]


def workers_that_answered(log: Path) -> set[int]:
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    return {x["pid"] for x in lines if x["logger"] == "tekser.access" and x["method"] == "POST"}


def login_posts_counted(base: str) -> float:
    request = urllib.request.Request(  # noqa: S310
        base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    text = urllib.request.urlopen(request, timeout=10).read().decode()  # noqa: S310
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "tekser_http_requests_total"
        and sample.labels.get("endpoint") == "auth.login"
        and sample.labels.get("method") == "POST"
    )


def test_one_accounts_login_limit_holds_across_two_workers(
    app, make_user, database_url, redis_url, tmp_path
):
    user = make_user(email="target@example.com")
    with gunicorn(tmp_path, database_url, redis_url) as (base, log):
        codes = wrong_passwords(base, user.email)
        assert set(codes) <= {200, 429}, codes
        assert codes.count(200) <= ACCOUNT_LIMIT, codes
        assert codes.count(429) >= ATTEMPTS - ACCOUNT_LIMIT
        assert len(workers_that_answered(log)) == 2  # both workers took part
        # Both workers' counts reach /metrics, whichever worker answers the scrape.
        assert login_posts_counted(base) == ATTEMPTS


def test_with_memory_counters_each_worker_counts_alone(app, make_user, database_url, tmp_path):
    """Why production refuses memory:// with several workers."""
    user = make_user(email="target@example.com")
    with gunicorn(tmp_path, database_url, "memory://") as (base, log):
        codes = wrong_passwords(base, user.email)
        if len(workers_that_answered(log)) < 2:
            pytest.skip("the kernel gave every connection to one worker this time")
        assert codes.count(200) > ACCOUNT_LIMIT, codes


@pytest.fixture
def limited_by(app_factory):
    """An app counting in the given Redis; the shared limiter is left healthy afterwards."""

    def make(url: str):
        app = app_factory(
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=url,
            ACCOUNT_RATE_LIMIT="3 per minute",
            LOGIN_RATE_LIMIT="100 per minute",
        )
        limiter.reset()
        return app

    yield make
    limiter._storage_dead = False  # the limiter is one object for every app in this process


def attempt(client, email: str) -> tuple[int, float]:
    started = time.monotonic()
    form = {"email": email, "password": "not the password"}
    status = post_form(client, "/login", form, token_from="/login").status_code
    return status, time.monotonic() - started


def test_redis_going_away_falls_back_to_memory_and_comes_back(
    limited_by, private_redis, make_user, caplog
):
    import redis

    make_user(email="target@example.com")
    app = limited_by(private_redis.url)
    client = app.test_client()
    assert [attempt(client, "target@example.com")[0] for _ in range(2)] == [200, 200]
    assert redis.Redis.from_url(private_redis.url).keys("*target@example.com*")

    private_redis.stop()
    results = [attempt(client, "target@example.com") for _ in range(4)]
    # Still limited (now in this worker's memory, counting afresh), never a 500, never stuck.
    assert [status for status, _ in results] == [200, 200, 200, 429]
    assert max(seconds for _, seconds in results) < 3
    assert "falling back to in-memory storage" in caplog.text
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["redis"]["status"] == "fail"

    private_redis.start()
    deadline = time.monotonic() + 40
    while limiter._storage_dead and time.monotonic() < deadline:
        client.get("/login")  # each limited request retries Redis, less often each time
        time.sleep(0.5)
    assert not limiter._storage_dead
    assert client.get("/readyz").status_code == 200
    # Counting in Redis again: a fresh Redis holds the new attempts.
    assert attempt(client, "target@example.com")[0] == 200
    assert redis.Redis.from_url(private_redis.url).keys("*target@example.com*")


def test_a_429_is_audited_with_its_key_not_the_sites_prefix(app, app_factory, redis_url):
    from app.audit.models import AuditEvent
    from app.extensions import db

    app = app_factory(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, ACCOUNT_RATE_LIMIT="1 per minute"
    )
    limiter.reset()
    client = app.test_client()
    assert [attempt(client, "who@example.com")[0] for _ in range(2)] == [200, 429]
    with app.app_context():
        [event] = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "auth.rate_limited")
        ).all()
    assert event.details["key"] == "account:who@example.com"
    limiter.reset()
