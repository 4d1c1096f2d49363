"""These tests run on the shared app inside a transaction rolled back at their end, with the
homework world (tests/fixtures/homework.py) built once; a module that needs real commits
(threads, a live server) overrides ``app`` with ``fresh_app``."""

import pytest


@pytest.fixture
def app(world_app):
    return world_app
