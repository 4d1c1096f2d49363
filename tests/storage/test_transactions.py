"""Files follow the request's transaction: written before the commit, removed on rollback,
deleted only once a deletion commits; on both backends."""

from __future__ import annotations

import pytest
from flask import g

from app import storage
from tests.fixtures.images import (
    encode,
    halves,
    upload,
)
from tests.storage.helpers import (
    refused,
    stored_files,
    stored_keys,
)


def test_rollback_removes_what_was_written_and_leaves_no_tmp(stored_in, ctx):
    names = [storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(2)]
    assert all(storage.image_exists(n) for n in names)

    storage.on_rollback()

    assert stored_keys() == [] and stored_files(ctx) == []
    storage.on_rollback()  # twice is harmless


def test_a_failed_upload_leaves_no_file_at_all(stored_in, ctx):
    refused(b"\x89PNG\r\n\x1a\n" + b"garbage")

    assert stored_keys() == [] and stored_files(ctx) == []


def test_commit_keeps_what_was_written(stored_in, ctx):
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    storage.on_commit()
    storage.on_rollback()  # a later rollback in another transaction must not touch it

    assert storage.image_exists(name)


def test_delete_later_happens_on_commit(stored_in, app):
    with app.app_context():
        name = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.app_context():
        storage.delete_later(name)
        assert storage.image_exists(name)  # not before the commit

        storage.on_commit()

        assert not storage.image_exists(name)


def test_delete_later_then_rollback_keeps_the_file(stored_in, app):
    with app.app_context():
        name = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.app_context():
        storage.delete_later(name)
        storage.on_rollback()
        storage.on_commit()  # the scheduled deletion was forgotten

        assert storage.image_exists(name)


def test_delete_later_of_a_missing_file_is_harmless(stored_in, ctx):
    kept, doomed = (storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(2))
    storage.on_commit()

    storage.delete_later("0" * 32 + ".png")  # never stored (or already swept)
    storage.delete_later(doomed)  # scheduled after it: still deleted
    storage.on_commit()

    assert stored_keys() == [storage.key_of(kept)]
    assert storage.DOOMED not in g and storage.WRITTEN not in g


def test_delete_later_refuses_a_malformed_name(stored_in, ctx):
    with pytest.raises(FileNotFoundError):
        storage.delete_later("../../config.py")


def test_hooks_work_outside_a_request(stored_in, app):
    """As in a CLI command: with nothing to do they leave the folder alone; a rolled-back
    command's file goes, a committed one stays."""
    with app.test_request_context():
        kept = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()

    with app.app_context():
        storage.on_commit()
        storage.on_rollback()
        assert storage.DOOMED not in g and storage.WRITTEN not in g
        assert stored_keys() == [storage.key_of(kept)]

    with app.app_context():
        dropped = storage.save_image(upload(encode(halves(), "PNG"))).name
        assert storage.image_exists(dropped)
        storage.on_rollback()
    with app.app_context():
        committed = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
        storage.on_rollback()
        assert stored_keys() == sorted(map(storage.key_of, [kept, committed]))


def test_each_request_tracks_its_own_files(stored_in, app):
    with app.test_request_context():
        kept = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.test_request_context():
        dropped = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_rollback()

        assert storage.image_exists(kept) and not storage.image_exists(dropped)
