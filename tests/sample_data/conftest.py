"""The admin fixtures (tests/admin/fixtures.py): a course with two cohorts and its people; tests
that use ``world`` run rolled back on the shared app."""

from tests.admin.fixtures import app, as_admin, world  # noqa: F401
