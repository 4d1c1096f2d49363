"""The issue's "done when", in one path through the pages: submit with two screenshots, claim,
return, revise, accept, module complete, ClaimReview export."""

from __future__ import annotations

import json

from app.extensions import db
from app.homework.models import Review, Status, Submission
from app.learning import progress
from app.learning.models import Module
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    audit_events,
    fact_check,
    grading,
    open_for_review,
    post_grade,
    post_homework,
    review_url,
)
from tests.fixtures.images import jpeg, png
from tests.homework.test_claimreview import expand, keys_and_values


def test_submit_return_revise_accept_complete_export(app, login, world, mailbox):
    student = as_user(app, login, world.owner)
    reviewer = as_user(app, login, world.reviewer)
    with app.app_context():
        module = db.session.get(Module, world.modules["m1"])
        progress.mark_lesson_read(world.owner.id, module)
        progress.mark_quiz_passed(world.owner.id, module)
        db.session.commit()

    shots = [(png(), "screen1.png"), (jpeg(), "screen2.jpg")]
    assert post_homework(student, fact_check(), shots=shots, submit=True).status_code == 302

    # The reviewer takes the next one and returns it.
    response = post_form(reviewer, "/review/next", token_from="/review/")
    first = int(response.headers["Location"].rsplit("/", 1)[1])
    _status, version = open_for_review(reviewer, first)
    page = reviewer.get(review_url(first)).get_data(as_text=True)
    assert "Screenshot 1" in page and "Screenshot 2" in page
    returned = grading(world, points=(1, 0), decision="return", feedback="Cite the WHO directly.")
    assert post_grade(reviewer, first, returned, version=version).status_code == 302
    assert "revision" in mailbox.last_to(world.owner.email)["Subject"]

    # The student revises and resubmits.
    assert post_form(student, HW + "/revise", token_from=HW).status_code == 302
    data = fact_check(reasoning="The WHO fact sheet says so: https://www.who.int/...")
    assert post_homework(student, data, submit=True).status_code == 302

    # The reviewer accepts attempt 2, seeing attempt 1 and its feedback beside it.
    response = post_form(reviewer, "/review/next", token_from="/review/")
    second = int(response.headers["Location"].rsplit("/", 1)[1])
    assert second != first
    page = reviewer.get(review_url(second)).get_data(as_text=True)
    assert "Earlier attempts" in page and "Cite the WHO directly." in page
    assert post_grade(reviewer, second, grading(world)).status_code == 302
    assert "accepted" in mailbox.last_to(world.owner.email)["Subject"]

    with app.app_context():
        statuses = db.session.execute(
            db.select(Submission.attempt_no, Submission.status).order_by(Submission.attempt_no)
        ).all()
        assert [tuple(r) for r in statuses] == [(1, Status.RETURNED), (2, Status.ACCEPTED)]
        assert db.session.scalar(db.select(db.func.count()).select_from(Review)) == 2
    assert [e.details["decision"] for e in audit_events(app, "homework.graded")] == [
        "return",
        "accept",
    ]

    dashboard = student.get("/dashboard").get_data(as_text=True)
    assert "1 of 3 modules complete" in dashboard
    page = student.get(HW).get_data(as_text=True)
    assert "Attempt 2" in page and "Attempt 1" in page and "Cite the WHO directly." in page

    export = student.get(f"/homework/{second}/claimreview.json")
    assert export.status_code == 200
    doc = json.loads(export.data)
    assert keys_and_values(expand(doc), compact=False) == keys_and_values(doc, compact=True)
    assert student.get(f"/homework/{first}/claimreview.json").status_code == 404
