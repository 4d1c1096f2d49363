"""The attempt card (``templates/homework/_attempt.html``) as the student and the reviewer see it:
each attempt's feedback is a region of its own name, under the attempt's heading."""

from __future__ import annotations

import re

from app.db import utcnow
from app.extensions import db
from app.homework.models import Decision, Review, Status
from tests.fixtures.homework import HW, make_submission, review_url


def reviewed(app, world, attempt_no: int, status: Status, decision: Decision) -> int:
    sub_id = make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"],
        status=status, attempt_no=attempt_no, reviewer_id=world.reviewer.id, reviewed_at=utcnow(),
    )  # fmt: skip
    with app.app_context():
        db.session.add(
            Review(
                submission_id=sub_id,
                reviewer_id=world.reviewer.id,
                decision=decision,
                feedback=f"Feedback {attempt_no}",
            )
        )
        db.session.commit()
    return sub_id


def regions(html: str) -> list[str]:
    """The names of the feedback regions (section -> aria-labelledby -> the heading's text)."""
    names = []
    for target in re.findall(r'<section class="review" aria-labelledby="([^"]+)"', html):
        heading = re.search(rf'<(h\d) id="{target}">([^<]+)</\1>', html)
        assert heading, f"region {target} has no heading"
        names.append(heading.group(2))
    return names


def test_two_reviewed_attempts_have_feedback_regions_of_their_own_names(app, client, login, world):
    reviewed(app, world, 1, Status.RETURNED, Decision.RETURN)
    reviewed(app, world, 2, Status.ACCEPTED, Decision.ACCEPT)
    login(client, world.owner)
    html = client.get(HW).get_data(as_text=True)
    assert regions(html) == ["Feedback on attempt 2", "Feedback on attempt 1"]
    assert 'aria-label="Feedback"' not in html
    # The attempt headings are h3 on the student's page, so the feedback's are h4.
    assert re.search(r'<h4 id="feedback-\d+">Feedback on attempt 1</h4>', html)


def test_the_reviewer_page_nests_the_feedback_heading_under_the_attempt(app, client, login, world):
    first = reviewed(app, world, 1, Status.RETURNED, Decision.RETURN)
    login(client, world.reviewer)
    html = client.get(review_url(first)).get_data(as_text=True)
    assert re.search(rf'<h2 id="attempt-{first}">', html)
    assert re.search(rf'<h3 id="feedback-{first}">Feedback on attempt 1</h3>', html)
