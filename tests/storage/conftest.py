"""Storage fixtures: a request context in English."""

import pytest


@pytest.fixture
def ctx(app):
    """A request in English; ``g`` lives as long as the test."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app
