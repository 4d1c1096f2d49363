"""The queue's plumbing: the consumer knows every job, and the configuration picks the broker."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

from app import jobs
from config import ProductionConfig
from tests.fixtures.app import ROOT


def test_the_consumer_entry_point_registers_every_job(monkeypatch):
    import app

    monkeypatch.setattr(app, "create_app", lambda: None)  # no app from the environment here
    monkeypatch.delitem(sys.modules, "app.tasks", raising=False)
    importlib.import_module("app.tasks")
    registered = {name.rsplit(".", 2)[0] for name in jobs.huey._registry._registry}
    defining = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in Path(ROOT, "app").rglob("*.py")
        if re.search(r"@huey\.(periodic_)?task\(", path.read_text(encoding="utf-8"))
    }
    assert defining and defining <= registered


@pytest.mark.parametrize(
    ("url", "storage"),
    [
        ("sqlite:///{tmp}/q.sqlite", "SqliteStorage"),
        ("redis://127.0.0.1:6379/1", "RedisStorage"),
        ("memory://", "MemoryStorage"),
    ],
)
def test_queue_url_picks_the_broker(url, storage, tmp_path):
    cls, _kwargs = jobs.storage_for(url.format(tmp=tmp_path))
    assert cls.__name__ == storage


def test_an_unknown_queue_url_is_refused():
    with pytest.raises(ValueError, match="QUEUE_URL"):
        jobs.storage_for("amqp://somewhere")


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({"QUEUE_URL": "redis://127.0.0.1:6379/1"}, False),
        ({"QUEUE_URL": "memory://"}, True),
        ({"QUEUE_URL": "redis://127.0.0.1:6379/1", "QUEUE_IMMEDIATE": "1"}, True),
        ({"QUEUE_IMMEDIATE": "1", "RATELIMIT_SINGLE_PROCESS": "1"}, False),
    ],
)
def test_production_refuses_a_queue_of_one_process(env, refused, tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("x")
    base = {
        "SECRET_KEY": "x" * 40,
        "CERT_SIGNING_KEY_FILE": str(key),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    }
    if refused:
        with pytest.raises(RuntimeError, match="job queue"):
            ProductionConfig.check(base | env)
    else:
        ProductionConfig.check(base | env)
