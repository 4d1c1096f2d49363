"""The student's side: a draft with screenshots, finished later, submitted; what happens after
submitting; revising a returned attempt; the screenshots themselves."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app import storage
from app.extensions import db
from app.homework.models import Screenshot, Status, Submission
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    as_user,
    count,
    fact_check,
    grading,
    latest_submission,
    page_version,
    post_grade,
    post_homework,
    snapshot,
    uploaded,
)
from tests.fixtures.images import jpeg, png

SUBMITTED = "This homework has been submitted and can no longer be changed."


def start_draft(app, client, world):
    """A partial draft (no verdict, no reasoning) with a PNG and a JPEG screenshot."""
    response = post_homework(
        client,
        fact_check(verdict=None, reasoning=""),
        shots=[(png(), "shot.png"), (jpeg(), "photo.jpg")],
    )
    assert response.status_code == 302
    return latest_submission(app, world.owner, world.modules["m1"])


def test_a_draft_with_two_screenshots_is_finished_later_and_submitted(app, client, login, world):
    login(client, world.owner)
    page = client.get(HW)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)

    draft = start_draft(app, client, world)

    assert draft.status == Status.DRAFT and draft.attempt_no == 1 and draft.submitted_at is None
    assert draft.verdict is None and draft.reasoning == ""
    assert [e.url for e in draft.evidence] == [
        "https://www.who.int/news-room/fact-sheets/detail/influenza",
        "https://example.org/study",
    ]
    shots = draft.screenshots
    assert [(s.position, s.format) for s in shots] == [(1, "png"), (2, "jpeg")]
    assert [(s.width, s.height) for s in shots] == [(40, 30), (30, 40)]
    with app.test_request_context():
        on_disk = {storage.path_of(s.stored_name) for s in shots}
    assert uploaded(app) == on_disk
    html = client.get(HW).get_data(as_text=True)
    assert "Draft saved. You can finish it later." in html
    assert "Drinking hot water cures the flu." in html  # the form is filled from the draft
    assert "Remove screenshot 2" in html

    # Later: the rest of the fields, then an explicit submit.
    response = post_homework(client, fact_check(), submit=True)
    assert response.status_code == 302

    sub = latest_submission(app, world.owner, world.modules["m1"])
    assert (sub.id, sub.status, sub.verdict) == (draft.id, Status.SUBMITTED, "false")
    assert sub.submitted_at is not None and sub.version > draft.version
    assert [s.stored_name for s in sub.screenshots] == [s.stored_name for s in shots]
    assert uploaded(app) == on_disk
    html = client.get(HW).get_data(as_text=True)
    assert "Your homework has been submitted." in html
    assert "Submitted, waiting for review" in html
    assert 'name="claim"' not in html  # no form to edit any more
    assert count(app, Submission) == 1


def test_saving_a_draft_is_not_submitting(app, client, login, world):
    login(client, world.owner)
    assert post_homework(client, fact_check()).status_code == 302
    assert latest_submission(app, world.owner, world.modules["m1"]).status == Status.DRAFT


def test_submitting_an_incomplete_fact_check_says_what_is_missing(app, client, login, world):
    login(client, world.owner)
    start_draft(app, client, world)
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(client, fact_check(verdict=None, reasoning=""), submit=True)

    assert response.status_code == 422
    assert "Before submitting, add: the verdict, the reasoning." in response.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_double_submit_of_the_same_form_changes_nothing(app, client, login, world):
    login(client, world.owner)
    start_draft(app, client, world)
    data, version = fact_check(), page_version(client)  # the same page, posted twice
    assert post_homework(client, data, submit=True, version=version).status_code == 302
    before, files_before = snapshot(app), uploaded(app)

    again = post_homework(client, data, submit=True, version=version)

    assert again.status_code == 422
    assert SUBMITTED in again.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_editing_after_submission_is_refused_and_changes_nothing(app, client, login, world):
    login(client, world.owner)
    response = post_homework(client, fact_check(), shots=[(png(), "a.png")], submit=True)
    assert response.status_code == 302
    sub = latest_submission(app, world.owner, world.modules["m1"])
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(
        client,
        fact_check(claim="Something else entirely", verdict="true"),
        shots=[(png(color=(0, 255, 0)), "b.png")],
        version=str(sub.version),
    )
    assert response.status_code == 422
    assert SUBMITTED in response.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before

    # Removing a screenshot of a submitted attempt is refused in the same way.
    response = post_homework(
        client, fact_check(remove=str(sub.screenshots[0].id)), version=str(sub.version)
    )
    assert response.status_code == 422
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_stale_draft_form_gets_409_and_changes_nothing(app, client, login, world):
    login(client, world.owner)
    start_draft(app, client, world)
    old = page_version(client)
    assert post_homework(client, fact_check(claim="Second window")).status_code == 302
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(
        client, fact_check(claim="First window"), version=old, shots=[(png(), "x.png")]
    )

    assert response.status_code == 409
    assert "This homework was changed in another window." in response.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_removing_a_screenshot_from_a_draft_deletes_its_file(app, client, login, world):
    login(client, world.owner)
    draft = start_draft(app, client, world)
    first, second = draft.screenshots
    with app.test_request_context():
        first_path = storage.path_of(first.stored_name)
        second_path = storage.path_of(second.stored_name)

    response = post_homework(client, fact_check(remove=str(first.id)))

    assert response.status_code == 302
    sub = latest_submission(app, world.owner, world.modules["m1"])
    assert [(s.id, s.position) for s in sub.screenshots] == [(second.id, 1)]
    assert not first_path.exists() and second_path.exists()
    assert uploaded(app) == {second_path}


def test_remove_ignores_ids_of_other_peoples_screenshots(app, client, login, world):
    login(client, world.classmate)
    post_homework(client, fact_check(), shots=[(png(), "theirs.png")])
    theirs = latest_submission(app, world.classmate, world.modules["m1"]).screenshots[0]
    login(client, world.owner)
    before_files = uploaded(app)

    response = post_homework(client, fact_check(remove=str(theirs.id)))

    assert response.status_code == 302
    assert count(app, Screenshot, Screenshot.id == theirs.id) == 1
    assert uploaded(app) == before_files


def test_the_owner_downloads_a_screenshot_as_an_attachment_never_sniffed(app, client, login, world):
    login(client, world.owner)
    draft = start_draft(app, client, world)
    shot = draft.screenshots[0]

    response = client.get(f"/homework/screenshots/{shot.id}")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".png" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]
    with Image.open(io.BytesIO(response.data)) as im:
        assert (im.format, im.size) == ("PNG", (40, 30))


# --- returned, revised ------------------------------------------------------------------------


def submit_and_return(app, client, login, world, feedback="Find a primary source."):
    assert (
        post_homework(client, fact_check(), shots=[(png(), "a.png")], submit=True).status_code
        == 302
    )
    sub = latest_submission(app, world.owner, world.modules["m1"])
    reviewer = as_user(app, login, world.reviewer)
    response = post_grade(
        reviewer, sub.id, grading(world, points=(1, 0), decision="return", feedback=feedback)
    )
    assert response.status_code == 302
    return sub


def test_revising_a_returned_attempt_starts_attempt_2_and_keeps_attempt_1(
    app, client, login, world
):
    login(client, world.owner)
    first = submit_and_return(app, client, login, world)
    html = client.get(HW).get_data(as_text=True)
    assert "Returned for revision" in html and "Revise and resubmit" in html
    assert "Find a primary source." in html

    response = post_form(client, HW + "/revise", token_from=HW)
    assert response.status_code == 302

    with app.app_context():
        rows = db.session.scalars(
            db.select(Submission)
            .where(Submission.user_id == world.owner.id)
            .order_by(Submission.attempt_no)
        ).all()
        assert [(s.attempt_no, s.status) for s in rows] == [(1, Status.RETURNED), (2, Status.DRAFT)]
        old, new = rows
        assert new.claim == old.claim and [e.url for e in new.evidence] == [
            e.url for e in old.evidence
        ]
        # The revision shares the file; the first attempt keeps its review.
        assert [s.stored_name for s in new.screenshots] == [s.stored_name for s in old.screenshots]
        assert old.review is not None and old.review.feedback == "Find a primary source."
        assert old.id == first.id

    html = client.get(HW).get_data(as_text=True)
    assert "Attempt 2" in html and "Attempt 1" in html
    assert "Find a primary source." in html  # the old feedback stays visible
    assert 'name="claim"' in html  # attempt 2 is editable

    # A second click on "Revise" changes nothing.
    before = snapshot(app)
    assert post_form(client, HW + "/revise", token_from=HW).status_code == 302
    assert snapshot(app) == before

    # Removing the shared screenshot from the new attempt keeps the file the old one uses.
    files_before = uploaded(app)
    shot = latest_submission(app, world.owner, world.modules["m1"]).screenshots[0]
    assert post_homework(client, fact_check(remove=str(shot.id))).status_code == 302
    assert uploaded(app) == files_before
    assert count(app, Screenshot) == 1

    assert post_homework(client, fact_check(claim="Revised claim"), submit=True).status_code == 302
    latest = latest_submission(app, world.owner, world.modules["m1"])
    assert (latest.attempt_no, latest.status, latest.claim) == (
        2,
        Status.SUBMITTED,
        "Revised claim",
    )
    assert get_status(app, first.id) == Status.RETURNED


def get_status(app, submission_id):
    with app.app_context():
        return db.session.get(Submission, submission_id).status


def test_only_a_returned_attempt_can_be_revised(app, client, login, world):
    login(client, world.owner)
    post_homework(client, fact_check(), submit=True)
    before = snapshot(app)

    response = post_form(client, HW + "/revise", token_from=HW)

    assert response.status_code == 302
    assert snapshot(app) == before
    assert "Only a returned homework can be revised." in client.get(HW).get_data(as_text=True)


def test_a_returned_attempt_cannot_be_edited_in_place(app, client, login, world):
    login(client, world.owner)
    sub = submit_and_return(app, client, login, world)
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(
        client, fact_check(claim="Changed"), version=str(sub.version + 2), shots=[(png(), "x.png")]
    )

    assert response.status_code == 422
    assert "This attempt was returned. Start a revision to change it." in response.get_data(
        as_text=True
    )
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_double_click_on_save_of_a_new_form_adds_nothing(app, client, login, world):
    login(client, world.owner)
    data = fact_check()
    shots = [(png(), "a.png"), (jpeg(), "b.jpg")]
    assert post_homework(client, data, shots=shots, version="").status_code == 302
    before, files_before = snapshot(app), uploaded(app)

    again = post_homework(client, data, shots=shots, version="")

    assert again.status_code == 409
    assert "This homework was changed in another window." in again.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before
    assert count(app, Screenshot) == 2


@pytest.mark.parametrize("version", ["abc", "²", "-1", "9" * 40])
def test_a_forged_version_changes_nothing(app, client, login, world, version):
    login(client, world.owner)
    start_draft(app, client, world)
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(
        client, fact_check(claim="Forged"), version=version, shots=[(png(), "x.png")]
    )

    assert response.status_code in (400, 409, 422)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_webp_screenshot_is_accepted(app, client, login, world):
    login(client, world.owner)
    from tests.fixtures.images import image_bytes

    shots = [(image_bytes("WEBP", (20, 10)), "phone.webp")]
    assert post_homework(client, fact_check(), shots=shots).status_code == 302
    [shot] = latest_submission(app, world.owner, world.modules["m1"]).screenshots
    assert (shot.format, shot.width, shot.height) == ("webp", 20, 10)


def test_the_form_works_on_a_phone(client, login, world):
    login(client, world.owner)
    html = client.get(HW).get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in html
    assert 'inputmode="url"' in html and 'type="file"' in html and "multiple" in html
    assert '<label for="claim">' in html
