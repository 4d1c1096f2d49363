"""/metrics: Prometheus's text format, requests counted by endpoint (never by raw path), and
shown only to the allowed addresses or the bearer token; anyone else gets a plain 404."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from app import metrics
from tests.fixtures.app import post_form
from tests.fixtures.mail import free_port

TOKEN = "scrape-" + "s" * 30


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}", **headers})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return {
        family.name: family
        for family in text_string_to_metric_families(response.get_data(as_text=True))
    }


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def scraped(app_factory):
    return app_factory(METRICS_TOKEN=TOKEN)


def test_requests_are_counted_by_endpoint_method_and_status(scraped):
    client = scraped.test_client()
    labels = {"endpoint": "pages.index", "method": "GET"}
    before = value("tekser_http_requests_total", status="200", **labels)
    timed = value("tekser_http_request_duration_seconds_count", **labels)
    assert client.get("/").status_code == 200
    assert value("tekser_http_requests_total", status="200", **labels) == before + 1
    assert value("tekser_http_request_duration_seconds_count", **labels) == timed + 1
    families = scrape(client)
    assert families["tekser_http_requests"].type == "counter"
    assert families["tekser_http_request_duration_seconds"].type == "histogram"
    for name in ("tekser_mail_failures", "tekser_transcode_jobs", "tekser_queue_depth"):
        assert name in families


def test_unknown_paths_share_one_label(scraped):
    client = scraped.test_client()
    before = value("tekser_http_requests_total", endpoint="unmatched", method="GET", status="404")
    for n in range(3):
        assert client.get(f"/nothing-here-{n}").status_code == 404
    after = value("tekser_http_requests_total", endpoint="unmatched", method="GET", status="404")
    assert after == before + 3
    assert "nothing-here" not in client.get(
        "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "settings, remote, headers, allowed",
    [
        ({}, "127.0.0.1", {}, False),  # nothing configured: closed to everyone
        ({"METRICS_TOKEN": TOKEN}, "127.0.0.1", {}, False),
        ({"METRICS_TOKEN": TOKEN}, "203.0.113.5", {"Authorization": f"Bearer {TOKEN}"}, True),
        ({"METRICS_TOKEN": TOKEN}, "127.0.0.1", {"Authorization": f"Bearer {TOKEN}x"}, False),
        ({"METRICS_TOKEN": TOKEN}, "127.0.0.1", {"Authorization": f"Basic {TOKEN}"}, False),
        ({"METRICS_ALLOW": ["127.0.0.1"]}, "127.0.0.1", {}, True),
        ({"METRICS_ALLOW": ["127.0.0.1"]}, "203.0.113.5", {}, False),
        ({"METRICS_ALLOW": ["10.0.0.0/8", "::1"]}, "10.20.30.40", {}, True),
        ({"METRICS_ALLOW": ["10.0.0.0/8", "::1"]}, "::1", {}, True),
        ({"METRICS_ALLOW": ["10.0.0.0/8"]}, "11.0.0.1", {}, False),
    ],
)
def test_only_allowed_addresses_or_the_token_see_metrics(
    app_factory, settings, remote, headers, allowed
):
    client = app_factory(**settings).test_client()
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
    if allowed:
        assert response.status_code == 200
        assert "tekser_http_requests_total" in response.get_data(as_text=True)
    else:
        assert response.status_code == 404
        assert "tekser_" not in response.get_data(as_text=True)


def test_a_malformed_allow_list_stops_the_start(app_factory):
    with pytest.raises(RuntimeError, match="METRICS_ALLOW"):
        app_factory(METRICS_ALLOW=["10.0.0.0/33"])


def test_queue_depth_is_read_at_scrape_time(scraped):
    waiting = {"mail": 3, "transcode": 1}

    def broken():
        raise RuntimeError("queue unreachable")

    metrics.register_queue_depth(lambda: waiting)
    metrics.register_queue_depth(broken)
    try:
        client = scraped.test_client()
        samples = {s.labels["queue"]: s.value for s in scrape(client)["tekser_queue_depth"].samples}
        assert samples.items() >= {"mail": 3.0, "transcode": 1.0}.items()
        waiting["mail"] = 0
        samples = {s.labels["queue"]: s.value for s in scrape(client)["tekser_queue_depth"].samples}
        assert samples["mail"] == 0.0
    finally:
        metrics._queue_depth.clear()


def test_the_job_queue_reports_its_depth_and_counts_runs(app_factory, tmp_path):
    """``tekser_queue_depth{queue="tekser"}`` is Huey's pending count; each finished job is
    counted in ``tekser_jobs`` as succeeded, retried or failed."""
    from app import jobs
    from tests.fixtures.mail import run_queue

    app = app_factory(
        METRICS_TOKEN=TOKEN,
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}",
        QUEUE_IMMEDIATE=False,
    )
    calls = {"n": 0}

    @jobs.huey.task(name="test.flaky", retries=1)
    def flaky() -> None:
        calls["n"] += 1
        if calls["n"] < 3:
            raise RuntimeError("not yet")

    try:
        client = app.test_client()
        depth = scrape(client)["tekser_queue_depth"].samples
        assert {s.labels["queue"]: s.value for s in depth}["tekser"] == 0.0
        flaky()
        flaky()
        depth = scrape(client)["tekser_queue_depth"].samples
        assert {s.labels["queue"]: s.value for s in depth}["tekser"] == 2.0
        before = {
            outcome: value("tekser_jobs_total", queue="tekser", outcome=outcome)
            for outcome in ("succeeded", "retried", "failed")
        }
        run_queue(jobs.huey)  # run 1 fails and retries; run 2 fails, retries; both retries pass
        families = scrape(client)
        counted = {
            s.labels["outcome"]: s.value
            for s in families["tekser_jobs"].samples
            if s.name == "tekser_jobs_total" and s.labels["queue"] == "tekser"
        }
        assert counted["succeeded"] - before["succeeded"] == 2
        assert counted["retried"] - before["retried"] == 2
        assert counted.get("failed", 0.0) - before["failed"] == 0
        assert {s.labels["queue"]: s.value for s in families["tekser_queue_depth"].samples}[
            "tekser"
        ] == 0.0
    finally:
        jobs.configure("memory://", immediate=True)


def test_mail_the_server_refuses_is_counted(app, app_factory, make_user):
    make_user(email="someone@example.com")
    target = app_factory(MAIL_PORT=free_port())  # no mail server listens there
    before = value("tekser_mail_failures_total", reason="ConnectionRefusedError")
    client = target.test_client()
    response = post_form(client, "/forgot-password", {"email": "someone@example.com"})
    assert response.status_code == 302
    assert value("tekser_mail_failures_total", reason="ConnectionRefusedError") == before + 1


def test_mail_sent_is_counted(app, make_user, client, mailbox):
    make_user(email="someone@example.com")
    before = value("tekser_mail_sent_total")
    post_form(client, "/forgot-password", {"email": "someone@example.com"})
    assert mailbox.to("someone@example.com")
    assert value("tekser_mail_sent_total") == before + 1
