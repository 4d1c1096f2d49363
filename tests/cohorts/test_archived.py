"""An archived cohort is read-only, by one rule (``app.cohorts.policy.ensure_writable``): every
write from any screen ends on the cohort's page with the translated reason, and changes
nothing, whoever raised it."""

from __future__ import annotations

import pytest

from app.cohorts import services as cohorts
from app.cohorts.errors import CohortArchived
from app.cohorts.models import Cohort, CohortReviewer
from app.cohorts.policy import ensure_writable, is_writable
from app.db import utcnow
from app.extensions import db
from tests.fixtures.app import post_form

MESSAGE = {
    "en": "This group is archived and can no longer be changed.",
    "ru": "Этот поток в архиве, изменить его больше нельзя.",
}


def _archive(app, cohort_id: int) -> dict:
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.archived_at = utcnow()
        db.session.commit()
        return _state(cohort_id)


def _state(cohort_id: int) -> dict:
    cohort = db.session.get(Cohort, cohort_id)
    return {
        "name": cohort.name,
        "invite_code": cohort.invite_code,
        "invite_open": cohort.invite_open,
        "reviewers": db.session.scalar(
            db.select(db.func.count())
            .select_from(CohortReviewer)
            .where(CohortReviewer.cohort_id == cohort_id)
        ),
    }


WRITES = {
    "edit form": ("GET", "/edit", None),
    "edit": ("POST", "/edit", {"name": "Renamed", "default_locale": "kk", "sequential": "1"}),
    "regenerate invite": ("POST", "/invite", {"action": "regenerate"}),
    "open invite": ("POST", "/invite", {"action": "open"}),
    "archive again": ("POST", "/archive", {"confirm": "y"}),
    "assign reviewer": ("POST", "/reviewers", {"email": "rev-b@example.com"}),
    "remove reviewer": ("POST", "/reviewers/{reviewer}/remove", {}),
    "upload form": ("GET", "/enrol", None),
    "announcement form": ("GET", "/announcements/new", None),
    "announcement": ("POST", "/announcements/new", {"title_en": "T", "body_en": "B"}),
    "announcement setting": ("POST", "/announcements/settings", {"reviewers_may_announce": "y"}),
    "double-marking sample": ("POST", "/agreement/sample", {"share": "10"}),
    "nudge": ("POST", "/at-risk/nudge", {"everyone": "y", "days": "7"}),
}


@pytest.mark.parametrize("what", list(WRITES))
def test_every_write_on_an_archived_cohort_is_refused_with_the_reason(app, as_admin, world, what):
    method, path, data = WRITES[what]
    base = f"/admin/cohorts/{world.cohort_id}"
    url = base + path.format(reviewer=world.reviewer.id)
    before = _archive(app, world.cohort_id)
    if method == "GET":
        response = as_admin.get(url)
    else:
        response = post_form(as_admin, url, data, token_from=base)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base)
    assert MESSAGE["en"] in as_admin.get(base).get_data(as_text=True)
    with app.app_context():
        assert _state(world.cohort_id) == before


def test_the_reason_is_in_the_admins_language(app, as_admin, world):
    base = f"/admin/cohorts/{world.cohort_id}"
    _archive(app, world.cohort_id)
    as_admin.set_cookie("lang", "ru")
    assert as_admin.get(base + "/edit").status_code == 302
    assert MESSAGE["ru"] in as_admin.get(base, headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )


def test_the_rule(app, world):
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        assert is_writable(cohort)
        ensure_writable(cohort)
        cohort.archived_at = utcnow()
        assert not is_writable(cohort)
        with pytest.raises(CohortArchived) as raised:
            ensure_writable(cohort)
        assert raised.value.cohort_id == cohort.id
        # Every service that changes a cohort applies it.
        for change in (
            lambda: cohorts.regenerate_invite(cohort),
            lambda: cohorts.set_invite_open(cohort, True),
            lambda: cohorts.archive_cohort(cohort),
            lambda: cohorts.remove_reviewer(cohort, world.reviewer.id),
        ):
            with pytest.raises(CohortArchived):
                change()
        db.session.rollback()
