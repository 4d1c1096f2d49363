"""A test that uses the homework ``world`` runs on the shared app inside a transaction rolled
back at its end, with the world built once (tests/fixtures/app.py, ``world_app``); a module that
needs real commits (threads, a live server) overrides ``app`` with ``fresh_app``."""

import pytest

from tests.fixtures.homework import build_world
from tests.fixtures.rollback import world_app


@pytest.fixture
def app(request, tmp_path):
    yield from world_app(request, tmp_path, "homework", build_world)
