"""The review tests use the homework world (``tests/homework/fixtures.py``)."""

from tests.homework.fixtures import world  # noqa: F401
