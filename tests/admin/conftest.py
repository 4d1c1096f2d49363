"""The admin fixtures (tests/admin/fixtures.py): a course with two cohorts and its people."""

from tests.admin.fixtures import as_admin, world  # noqa: F401
