"""Every shared fixture lives in ``tests/fixtures/`` (plugin modules, one per concern); a
domain's conftest adds only what that domain alone needs."""

import pytest

# Rewrite the fixtures' asserts too (they are imported here before pytest loads them as plugins).
pytest.register_assert_rewrite("tests.fixtures")

from tests.fixtures.app import ON_POSTGRES  # noqa: E402
from tests.fixtures.mail import free_port  # noqa: E402, F401 (tests/e2e/conftest.py imports it here)

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.rollback",
    "tests.fixtures.mail",
    "tests.fixtures.images",
    "tests.fixtures.course",
    "tests.fixtures.homework",
    "tests.fixtures.access",
    "tests.fixtures.s3",
    "tests.fixtures.video",
]


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
