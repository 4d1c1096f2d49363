"""The end of a unit of work (a request or a command), in one place.

One transaction per request or command (ADR 0002): commit what it did, or roll back; only
then keep or delete the files it stored (ADR 0004) and enqueue or drop the jobs it asked for
(ADR 0017: mail is written as outbox rows in the transaction, delivered by a job). The
request hooks (``app/__init__.py``) and every ``flask`` command end through here.
"""

from __future__ import annotations

from app import jobs, storage
from app.extensions import db


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
