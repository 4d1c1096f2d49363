"""app/ops/gunicorn_config.py's preloading (issue 19): on unless GUNICORN_PRELOAD=0; when on,
the master compiles every template once and freezes what it made before forking, and a forked
worker never uses a database connection of the master's."""

from __future__ import annotations

import gc
import importlib
from types import SimpleNamespace

import pytest

from app.extensions import db


@pytest.fixture
def config(monkeypatch, tmp_path):
    def load(preload: str | None):
        monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
        monkeypatch.setenv("RUNTIME_DIRECTORY", str(tmp_path))
        if preload is None:
            monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
        else:
            monkeypatch.setenv("GUNICORN_PRELOAD", preload)
        from app.ops import gunicorn_config

        return importlib.reload(gunicorn_config)

    return load


@pytest.mark.parametrize(
    ("value", "preload"), [(None, True), ("1", True), ("0", False), ("off", False)]
)
def test_preloading_is_chosen_by_the_environment(config, value, preload):
    assert config(value).preload_app is preload


def _server(app, preload: bool):
    return SimpleNamespace(
        app=SimpleNamespace(callable=app), cfg=SimpleNamespace(preload_app=preload)
    )


def test_a_preloading_master_compiles_every_template_once_and_freezes(config, app):
    hooks = config("1")
    app.jinja_env.cache.clear()
    try:
        hooks.pre_fork(_server(app, True), None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    compiled = len(app.jinja_env.cache)
    assert compiled >= len([n for n in app.jinja_env.list_templates() if n.endswith(".html")])
    hooks.pre_fork(_server(app, True), None)  # the next worker's fork: nothing compiled again
    gc.unfreeze()
    assert len(app.jinja_env.cache) == compiled


def test_without_preloading_the_master_compiles_nothing(config, app):
    hooks = config("0")
    app.jinja_env.cache.clear()
    hooks.pre_fork(_server(app, False), None)
    gc.unfreeze()
    assert len(app.jinja_env.cache) == 0


def test_a_forked_worker_opens_its_own_connections(config, app):
    hooks = config("1")
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        db.session.commit()
        engine = db.engine
        before = engine.pool
    hooks.post_fork(_server(app, True), None)
    assert engine.pool is not before  # the master's pooled connections are left to it
    with app.app_context():
        assert db.session.execute(db.text("SELECT 1")).scalar() == 1
