"""Homework screenshots on either backend: the route checks the policy first, then serves
(from the app or by a presigned redirect that downloads the very bytes); others get a 404."""

from __future__ import annotations

import urllib.request

import pytest

from app import storage
from tests.fixtures.homework import (
    as_user,
    fact_check,
    latest_submission,
    post_homework,
)
from tests.fixtures.images import png


@pytest.fixture
def submitted(app, login, world, stored_in):
    """The owner's submitted fact-check with one screenshot: (screenshot id, its bytes)."""
    owner = as_user(app, login, world.owner)
    assert (
        post_homework(owner, fact_check(), shots=[(png(), "s.png")], submit=True).status_code == 302
    )
    shot = latest_submission(app, world.owner, world.modules["m1"]).screenshots[0]
    with app.app_context():
        return shot.id, storage.read_image(shot.stored_name)


def download(response) -> tuple[bytes, str]:
    """The bytes and Content-Disposition a browser ends up with (following a redirect)."""
    if response.status_code == 302:
        with urllib.request.urlopen(response.location, timeout=10) as answer:  # noqa: S310
            return answer.read(), answer.headers["Content-Disposition"]
    assert response.status_code == 200
    return response.data, response.headers["Content-Disposition"]


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_those_allowed_download_the_screenshot(app, login, world, submitted, stored_in, who):
    shot, data = submitted
    response = as_user(app, login, world.people[who]).get(f"/homework/screenshots/{shot}")

    assert response.status_code == (302 if stored_in == "s3" else 200)
    body, disposition = download(response)
    assert body == data and body.startswith(b"\x89PNG\r\n\x1a\n")
    assert disposition.startswith("attachment;") and "screenshot-" in disposition


@pytest.mark.parametrize("who", ["classmate", "outsider", "other_reviewer"])
def test_others_get_a_404_and_no_link_to_the_store(app, login, world, submitted, who):
    shot, _data = submitted
    response = as_user(app, login, world.people[who]).get(f"/homework/screenshots/{shot}")

    assert response.status_code == 404 and "Location" not in response.headers
