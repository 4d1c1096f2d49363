"""Sweeping the upload folder after a crash: old unreferenced files and stale temporaries go."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app import storage
from tests.fixtures.images import (
    encode,
    halves,
    upload,
)


def age(path: Path, seconds: int) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_sweep_orphans_removes_old_unreferenced_files_and_stale_tmp(ctx):
    names = [storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(3)]
    storage.on_commit()
    referenced, old_orphan, young_orphan = names
    for name in (referenced, old_orphan):
        age(storage.path_of(name), 7200)
    folder = storage.path_of(old_orphan).parent
    stale_tmp, fresh_tmp, foreign = folder / ".x.tmp", folder / ".y.tmp", folder / "README"
    for path in (stale_tmp, fresh_tmp, foreign):
        path.write_bytes(b"x")
    age(stale_tmp, 7200)
    age(foreign, 7200)

    removed = storage.sweep_orphans({referenced})

    assert sorted(removed) == sorted([old_orphan, ".x.tmp"])
    assert storage.path_of(referenced).is_file() and storage.path_of(young_orphan).is_file()
    assert not storage.path_of(old_orphan).exists() and not stale_tmp.exists()
    assert fresh_tmp.exists() and foreign.exists()


def test_sweep_orphans_on_an_empty_folder(ctx):
    assert storage.sweep_orphans(set()) == []


def test_sweep_orphans_on_either_backend_waits_for_age_then_removes_only_orphans(stored_in, ctx):
    kept, orphan = (storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(2))
    storage.on_commit()

    assert storage.sweep_orphans({kept}) == []  # both are younger than an hour

    assert storage.sweep_orphans({kept}, older_than_seconds=-60) == [orphan]
    assert storage.image_exists(kept) and not storage.image_exists(orphan)
