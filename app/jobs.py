"""The job queue (Huey, ADR 0017): work that does not belong in a request.

One ``huey`` for the process, its broker chosen by ``QUEUE_URL``: ``sqlite:///path`` (the
embedded default, ``make run``), ``redis://...`` (production, several workers and machines) or
``memory://``. ``QUEUE_IMMEDIATE`` runs each job at once, where it is enqueued (tests).

Jobs are enqueued only after the unit of work that asks for them has committed
(:func:`on_commit`, run by ``app.unit_of_work``): a rolled-back action starts nothing, and a job
never sees rows that are not there yet. Each job ends as a request does, through the unit of
work. The consumer (``huey_consumer app.tasks.huey``) loads ``app.tasks``, where every job is
registered and the jobs' app is built from the environment, as ``flask`` builds its own.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g
from huey import Huey
from huey import signals as S
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app import metrics

huey = Huey("tekser", results=False, utc=True, storage_class=MemoryStorage)
_consumer_app: Flask | None = None


def storage_for(url: str) -> tuple[type, dict]:
    """The Huey storage class and its arguments for ``QUEUE_URL``."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": str(path)}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url == "memory://":
        return MemoryStorage, {}
    raise ValueError(f"QUEUE_URL must be sqlite:///..., redis://... or memory://, not {url!r}")


def configure(url: str, immediate: bool = False) -> None:
    """Point the process's queue at ``url`` (the consumer and the app must agree on it)."""
    huey.storage_class, huey.storage_kwargs = storage_for(url)
    huey.immediate = immediate
    huey.storage = huey.create_storage()


def init_app(app: Flask) -> None:
    configure(app.config["QUEUE_URL"], app.config["QUEUE_IMMEDIATE"])
    metrics.register_queue_depth(queue_depth)


def queue_depth() -> dict[str, int]:
    """Jobs waiting in the queue (read at each scrape; ``tekser_queue_depth``)."""
    return {huey.name: huey.pending_count()}


@huey.signal(S.SIGNAL_COMPLETE, S.SIGNAL_ERROR)
def count_job(signal: str, task, exc: BaseException | None = None) -> None:
    """Count each finished run in ``tekser_jobs``: succeeded, retried (failed with retries
    left) or failed."""
    if signal == S.SIGNAL_COMPLETE:
        outcome = "succeeded"
    else:
        outcome = "retried" if task.retries else "failed"
    metrics.JOBS.labels(huey.name, outcome).inc()


def bind_consumer(app: Flask | None) -> None:
    """Run this process's consumed jobs in ``app`` (an in-process consumer, tests)."""
    global _consumer_app
    _consumer_app = app


def consumer_app() -> Flask:
    """The app this process's consumed jobs run in (``app/tasks.py`` builds it)."""
    if _consumer_app is None:
        raise RuntimeError("no app for the jobs: run the consumer as huey_consumer app.tasks.huey")
    return _consumer_app


def on_commit(task, *args, delay: float | None = None) -> None:
    """Enqueue ``task(*args)`` once the current unit of work commits (dropped on rollback)."""
    g.setdefault("jobs_on_commit", []).append((task, args, delay))


def run_committed() -> None:
    """Enqueue what the committed unit of work asked for."""
    for task, args, delay in g.pop("jobs_on_commit", []):
        if delay:
            task.schedule(args, delay=delay)
        else:
            task(*args)


def discard() -> None:
    g.pop("jobs_on_commit", None)
