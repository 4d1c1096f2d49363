"""The end of a unit of work (a request or a command), in one place.

One transaction per request or command (ADR 0002): commit what it did, or roll back; only
then keep or delete the files it stored (ADR 0004) and enqueue or drop the jobs it asked for
(ADR 0017: mail is written as outbox rows in the transaction, delivered by a job). The
request hooks (``app/__init__.py``) and every ``flask`` command end through here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ParamSpec, TypeVar

from flask import has_app_context
from sqlalchemy.exc import IntegrityError

from app import jobs, storage
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M")


def commit() -> None:
    """Commit, then keep the stored files and enqueue the jobs (mail delivery among them). If
    the commit fails, everything is rolled back (files deleted, jobs dropped) and the error is
    raised."""
    try:
        db.session.commit()
    except Exception:
        discard()
        raise
    storage.on_commit()
    jobs.run_committed()


def rollback() -> None:
    """Undo the unit of work: the transaction, the files it stored, the mail it queued."""
    db.session.rollback()
    discard()


def discard() -> None:
    """Drop what only a commit would have made real: stored files and queued mail."""
    storage.on_rollback()
    jobs.discard()


def in_app_context(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` as a unit of work, committing at its end (or rolling back): in the consumer's
    app context, or in immediate mode in the enqueuing one, after that one's commit."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        # Immediate mode: the enqueuing unit of work has committed; the job continues on its
        # session (a second connection would wait for SQLite's write lock).
        context: AbstractContextManager[Any] = (
            nullcontext() if has_app_context() else jobs.consumer_app().app_context()
        )
        with context:
            try:
                result = func(*args, **kwargs)
            except Exception:
                rollback()
                raise
            commit()
            return result

    return run


def add_or_take_winner(row: M, winner: Callable[[], M | None]) -> tuple[M, bool]:
    """Insert ``row`` in a savepoint; if a unique constraint says another request inserted the
    same thing a moment ago (a double click, two tabs, two admins), go on with that one:
    ``winner()`` reads it. ``(row, True)`` when this request inserted it, ``(winner, False)``
    otherwise; the IntegrityError is raised again when there is no winner to take."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        found = winner()
        if found is None:
            raise
        return found, False
    return row, True
