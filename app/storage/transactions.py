"""Stored files follow the request's (or command's) transaction by hand, as mail does.

Files are written before the commit, so a committed row never points to a missing file, and
``on_rollback`` removes what a failed request wrote; ``delete_later`` waits for ``on_commit``,
so a rolled-back removal keeps its file. ``sweep_orphans`` cleans up after a crash between the
two. The same holds on every backend: only ``put`` and ``delete`` are used.
"""

from __future__ import annotations

from flask import current_app, g

from app.storage.backends import check_key
from app.storage.selection import backend

WRITTEN = "storage_written"  # g: keys written during this request or command
DOOMED = "storage_doomed"  # g: keys to delete once the transaction has committed


def written(key: str) -> None:
    """Remember a key just written, to remove it again if the transaction rolls back."""
    g.setdefault(WRITTEN, []).append(key)


def delete_key_later(key: str) -> None:
    """Delete a stored key once the transaction has committed (never if it rolls back)."""
    g.setdefault(DOOMED, []).append(check_key(key))


def on_commit() -> None:
    """After a commit: the written files are now referenced; perform the scheduled deletions.

    The data is already committed, so a failed deletion is logged (``sweep_orphans`` retries),
    never raised."""
    g.pop(WRITTEN, None)
    _remove(g.pop(DOOMED, []))


def on_rollback() -> None:
    """After a rollback: delete what this request or command wrote; keep what it meant to
    delete."""
    g.pop(DOOMED, None)
    _remove(g.pop(WRITTEN, []))


def _remove(keys: list[str]) -> None:
    if not keys:
        return
    store = backend()
    for key in keys:
        try:
            store.delete(key)
        except Exception:
            current_app.logger.exception("could not delete stored file %s", key)
