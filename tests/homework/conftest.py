"""Homework fixtures live in ``fixtures.py``, shared with the review tests."""

from tests.homework.fixtures import world  # noqa: F401
