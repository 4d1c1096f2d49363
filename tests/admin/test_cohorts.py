"""Cohorts in the admin console: create, edit, invite link, archive, reviewers."""

from urllib.parse import urlsplit

from app.audit.models import AuditEvent
from app.cohorts.models import Cohort, CohortReviewer
from app.extensions import db
from tests.fixtures.app import post_form


def get_cohort(app, cohort_id: int) -> Cohort:
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        db.session.expunge(cohort)
        return cohort


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_create_a_cohort(app, as_admin, world):
    response = post_form(
        as_admin,
        "/admin/cohorts/new",
        {
            "course": world.course_id,
            "name": "  Весна 2026 ",
            "starts_on": "2026-03-01",
            "ends_on": "2026-05-31",
            "default_locale": "kk",
            "sequential": "0",
        },
        token_from="/admin/cohorts/new",
    )
    assert response.status_code == 302
    cohort_id = int(urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1])
    cohort = get_cohort(app, cohort_id)
    assert (cohort.name, str(cohort.starts_on), cohort.default_locale, cohort.sequential) == (
        "Весна 2026",
        "2026-03-01",
        "kk",
        False,
    )
    assert cohort.invite_code and cohort.invite_open
    html = as_admin.get(f"/admin/cohorts/{cohort_id}").get_data(as_text=True)
    assert f"http://localhost/join/{cohort.invite_code}" in html
    assert "Open all at once" in html


def test_dates_must_be_in_order(as_admin, world):
    response = post_form(
        as_admin,
        "/admin/cohorts/new",
        {
            "course": world.course_id,
            "name": "X",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "default_locale": "kk",
            "sequential": "1",
        },
        token_from="/admin/cohorts/new",
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.get_data(as_text=True)


def test_edit_a_cohort_is_audited(app, as_admin, world):
    url = f"/admin/cohorts/{world.cohort_id}/edit"
    page = as_admin.get(url).get_data(as_text=True)
    assert 'value="Cohort A"' in page
    response = post_form(
        as_admin,
        url,
        {
            "name": "Cohort A (renamed)",
            "starts_on": "",
            "ends_on": "",
            "default_locale": "en",
            "sequential": "0",
        },
        token_from=url,
    )
    assert response.status_code == 302
    cohort = get_cohort(app, world.cohort_id)
    assert (cohort.name, cohort.default_locale, cohort.sequential) == (
        "Cohort A (renamed)",
        "en",
        False,
    )
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "cohort.updated")
        )
        assert event.details["changed"]["name"] == ["Cohort A", "Cohort A (renamed)"]


def test_invite_link_close_open_regenerate(app, client, as_admin, world):
    url = f"/admin/cohorts/{world.cohort_id}"
    old = get_cohort(app, world.cohort_id).invite_code
    assert client.get(f"/join/{old}").status_code == 200
    post_form(as_admin, url + "/invite", {"action": "close"}, token_from=url)
    assert get_cohort(app, world.cohort_id).invite_open is False
    assert app.test_client().get(f"/join/{old}").status_code == 404
    post_form(as_admin, url + "/invite", {"action": "open"}, token_from=url)
    post_form(as_admin, url + "/invite", {"action": "regenerate"}, token_from=url)
    new = get_cohort(app, world.cohort_id).invite_code
    assert new != old
    assert app.test_client().get(f"/join/{old}").status_code == 404
    assert app.test_client().get(f"/join/{new}").status_code == 200
    assert (
        post_form(as_admin, url + "/invite", {"action": "delete"}, token_from=url).status_code
        == 400
    )
    assert {"cohort.invite_closed", "cohort.invite_opened", "cohort.invite_regenerated"} <= set(
        actions(app)
    )


def test_archive_makes_the_cohort_read_only(app, as_admin, world):
    url = f"/admin/cohorts/{world.cohort_id}"
    assert post_form(as_admin, url + "/archive", {}, token_from=url).status_code == 302
    assert get_cohort(app, world.cohort_id).archived_at is None  # the box was not ticked
    post_form(as_admin, url + "/archive", {"confirm": "y"}, token_from=url)
    cohort = get_cohort(app, world.cohort_id)
    assert cohort.archived_at is not None and cohort.invite_open is False
    # No edits, no invite link, no reviewers, no enrolment; still in the reports.
    assert as_admin.get(url + "/edit").status_code == 302
    post_form(
        as_admin,
        url + "/edit",
        {"name": "Changed", "default_locale": "kk", "sequential": "1"},
        token_from=url,
    )
    post_form(as_admin, url + "/invite", {"action": "open"}, token_from=url)
    post_form(as_admin, url + "/reviewers", {"email": "rev-b@example.com"}, token_from=url)
    post_form(as_admin, url + f"/reviewers/{world.reviewer.id}/remove", {}, token_from=url)
    cohort = get_cohort(app, world.cohort_id)
    assert (cohort.name, cohort.invite_open) == ("Cohort A", False)
    assert app.test_client().get(f"/join/{cohort.invite_code}").status_code == 404
    with app.app_context():
        reviewers = set(
            db.session.scalars(
                db.select(CohortReviewer.user_id).where(CohortReviewer.cohort_id == world.cohort_id)
            )
        )
        assert reviewers == {world.reviewer.id}
    assert as_admin.get(url + "/dashboard").status_code == 200
    assert "Archived groups" in as_admin.get("/admin/?archived=1").get_data(as_text=True)
    assert "Cohort A" in as_admin.get("/admin/?archived=1").get_data(as_text=True)
    assert as_admin.get("/admin/?archived=maybe").status_code == 400


def test_assign_and_remove_reviewers(app, client, login, as_admin, world, make_user):
    url = f"/admin/cohorts/{world.cohort_id}"
    second = make_user("reviewer", email="second@example.com", name="Second Reviewer")
    post_form(as_admin, url + "/reviewers", {"email": "SECOND@example.com"}, token_from=url)
    page = as_admin.get(url).get_data(as_text=True)
    assert "Second Reviewer" in page
    reviewer_browser = login(app.test_client(), second)
    assert reviewer_browser.get(url + "/dashboard").status_code == 200
    # Not a reviewer, unknown address: refused with a message, nothing assigned.
    for email in ("student-a@example.com", "nobody@example.com", "not an email"):
        response = post_form(as_admin, url + "/reviewers", {"email": email}, token_from=url)
        assert response.status_code == 302
    with app.app_context():
        assigned = set(
            db.session.scalars(
                db.select(CohortReviewer.user_id).where(CohortReviewer.cohort_id == world.cohort_id)
            )
        )
        assert assigned == {world.reviewer.id, second.id}
    post_form(as_admin, url + f"/reviewers/{second.id}/remove", {}, token_from=url)
    assert reviewer_browser.get(url + "/dashboard").status_code == 404
    assert "cohort.reviewer_removed" in actions(app)
