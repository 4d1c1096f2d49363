"""Readiness: can this node serve requests? Each check answers True (ready), False (not ready)
or None (not configured here, left out). Later parts (a storage backend, the job queue) add
their own with ``register_check``. No check writes anything: a probe is a GET.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app

from app import storage
from app.extensions import db

Check = Callable[[Flask], bool | None]
CHECKS: dict[str, Check] = {}


def register_check(name: str, check: Check) -> None:
    CHECKS[name] = check


def database(_app: Flask) -> bool:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT 1").scalar() == 1


def rate_limit_storage_name(app: Flask) -> str | None:
    """The check's name for the shared rate-limit storage; None when counters are in memory."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not app.config.get("RATELIMIT_ENABLED", True) or uri.startswith("memory://"):
        return None
    scheme = uri.split("://", 1)[0]
    return "redis" if scheme.startswith(("redis", "rediss")) else scheme.split("+")[0]


def rate_limit_storage(app: Flask) -> bool | None:
    """PING the rate-limit storage through its own client (the limiter's storage object is
    shared by every app in a process; this one belongs to ``app``)."""
    if rate_limit_storage_name(app) is None:
        return None
    state = app.extensions.setdefault("tekser_ops", {})
    storage = state.get("ratelimit_storage")
    if storage is None:
        from limits.storage import storage_from_string

        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **options)
        state["ratelimit_storage"] = storage
    return bool(storage.check())


def stored_files(_app: Flask) -> bool:
    """The storage backend answers: the folder exists and is writable (by permission), or the
    bucket answers a HEAD. Nothing is written: a probe must leave no trace."""
    return storage.backend().ready()


register_check("database", database)
register_check("storage", stored_files)


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Every configured check, timed; a check that raises has failed (logged, not shown)."""
    app = current_app._get_current_object()
    checks: dict[str, Check] = dict(CHECKS)
    name = rate_limit_storage_name(app)
    if name is not None:
        checks[name] = rate_limit_storage
    results: dict[str, dict] = {}
    for check_name, check in checks.items():
        started = time.perf_counter()
        try:
            outcome = check(app)
        except Exception:
            app.logger.warning("readiness check %s failed", check_name, exc_info=True)
            outcome = False
        if outcome is None:
            continue
        if not outcome:
            app.logger.warning("readiness check %s: not ready", check_name)
        results[check_name] = {
            "status": "ok" if outcome else "fail",
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return all(r["status"] == "ok" for r in results.values()), results
