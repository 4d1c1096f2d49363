"""What other parts of the app (the admin console, the student's dashboard) ask of teaching."""

from __future__ import annotations

from collections.abc import Sequence

from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import Cohort
from app.extensions import db
from app.jobs import on_commit
from app.teaching import announcements, at_risk
from app.teaching.announcements import BODY_MAX as BODY_MAX
from app.teaching.announcements import PAGE as PAGE
from app.teaching.announcements import TITLE_MAX as TITLE_MAX
from app.teaching.announcements import AnnouncementError as AnnouncementError
from app.teaching.announcements import StaleAnnouncement as StaleAnnouncement
from app.teaching.announcements import for_student as for_student
from app.teaching.announcements import history as history
from app.teaching.announcements import of_cohort as of_cohort
from app.teaching.announcements import shown as shown
from app.teaching.at_risk import REASONS as REASONS
from app.teaching.at_risk import RiskFilter as RiskFilter
from app.teaching.at_risk import last_nudged as last_nudged
from app.teaching.at_risk import matching_ids as matching_ids
from app.teaching.jobs import send_announcement, send_nudges
from app.teaching.models import Announcement as Announcement
from app.teaching.models import TeachingSettings

NUDGE_MAIL_BATCH = 200
RISK_PAGE = at_risk.PAGE
edit_announcement = announcements.edit
students_at_risk = at_risk.at_risk


def post_announcement(
    author: User, cohort: Cohort, titles: dict[str, str], bodies: dict[str, str]
) -> Announcement:
    """Publish now; the emails go out from the queue, in batches, once this commits."""
    announcement = announcements.post(author, cohort, titles, bodies)
    on_commit(send_announcement, announcement.id)
    return announcement


def nudge(admin: User, cohort: Cohort, user_ids: Sequence[int], f: RiskFilter) -> int:
    """Record a nudge per student; email them from the queue once this commits."""
    ids = at_risk.nudge(admin, cohort, user_ids, f)
    for start in range(0, len(ids), NUDGE_MAIL_BATCH):
        on_commit(send_nudges, ids[start : start + NUDGE_MAIL_BATCH])
    return len(ids)


def set_reviewers_may_announce(admin: User, cohort: Cohort, allowed: bool) -> None:
    settings = db.session.get(TeachingSettings, cohort.id)
    if settings is None:
        settings = TeachingSettings(cohort_id=cohort.id)
        db.session.add(settings)
    settings.reviewers_may_announce = allowed
    db.session.flush()
    record("cohort.announce_setting", actor=admin, target=cohort, allowed=allowed)


def announcement_of(cohort_id: int, announcement_id: int) -> Announcement | None:
    found = db.session.get(Announcement, announcement_id)
    return found if found is not None and found.cohort_id == cohort_id else None


def latest_for(user: User, lang: str, limit: int = 3) -> list[announcements.Shown]:
    """The newest announcements of the student's cohorts, for the dashboard."""
    return announcements.for_student(user.id, lang, limit=limit)
