"""What admins change in a cohort's schedule: its time zone, late-work policy and module dates,
and one student's extension. Each change is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.audit.services import record
from app.cohorts import schedule
from app.cohorts.models import (
    EXTENSION_DAYS_MAX,
    LATE_ACCEPT,
    LATE_REFUSE,
    Cohort,
    CohortModuleDate,
    Enrolment,
    Extension,
)
from app.cohorts.policy import ensure_writable
from app.errors import DomainError
from app.extensions import db
from app.i18n import zone
from app.unit_of_work import add_or_take_winner


class ScheduleError(DomainError, ValueError):
    """A schedule change that cannot be made (nothing was changed)."""


def set_schedule(
    cohort: Cohort,
    *,
    timezone: str,
    late_policy: str,
    dates: Mapping[int, tuple[datetime, datetime] | None],
    actor: Any = None,
) -> None:
    """Set the cohort's zone, late policy and each module's (open, due) instants; None for a
    module removes its own dates (it takes the course's defaults again)."""
    ensure_writable(cohort)
    if zone(timezone) is None:
        raise ScheduleError(_l("Choose a time zone from the list."))
    if late_policy not in (LATE_ACCEPT, LATE_REFUSE):
        raise ScheduleError(_l("Choose what happens to late work."))
    module_ids = {m.id for m in cohort.course.modules}
    for module_id, pair in dates.items():
        if module_id not in module_ids:
            raise ScheduleError(_l("This module is not in the group's course."))
        if pair is not None and not pair[1] > pair[0]:
            raise ScheduleError(_l("The due date must be after the open date."))
    cohort.timezone, cohort.late_policy = timezone, late_policy
    rows = {
        row.module_id: row
        for row in db.session.scalars(
            db.select(CohortModuleDate).where(CohortModuleDate.cohort_id == cohort.id)
        )
    }
    for module_id, pair in dates.items():
        row = rows.get(module_id)
        if pair is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                CohortModuleDate(
                    cohort_id=cohort.id, module_id=module_id, opens_at=pair[0], due_at=pair[1]
                )
            )
        else:
            row.opens_at, row.due_at = pair
    db.session.flush()
    schedule.forget()
    record(
        "cohort.schedule_changed",
        actor=actor,
        target=cohort,
        timezone=timezone,
        late_policy=late_policy,
        changed=sorted(dates),
    )


def reset_schedule(cohort: Cohort, actor: Any = None) -> int:
    """Drop the cohort's own dates: the course's defaults apply again. How many were dropped."""
    ensure_writable(cohort)
    dropped = 0
    for row in db.session.scalars(
        db.select(CohortModuleDate).where(CohortModuleDate.cohort_id == cohort.id)
    ):
        db.session.delete(row)
        dropped += 1
    db.session.flush()
    schedule.forget()
    record("cohort.schedule_changed", actor=actor, target=cohort, changed=[], reset=True)
    return dropped


def grant_extension(
    cohort: Cohort, enrolment: Enrolment, module_id: int | None, days: int, actor: Any = None
) -> Extension:
    """Give the student ``days`` more for one module (or, ``module_id`` None, every module);
    a second grant for the same module replaces the first. Audited."""
    ensure_writable(cohort)
    if enrolment.cohort_id != cohort.id:
        raise ScheduleError(_l("This student is not in the group."))
    if not 1 <= days <= EXTENSION_DAYS_MAX:
        raise ScheduleError(
            _l("An extension is %(min)d to %(max)d days.", min=1, max=EXTENSION_DAYS_MAX)
        )
    if module_id is not None and module_id not in {m.id for m in cohort.course.modules}:
        raise ScheduleError(_l("This module is not in the group's course."))

    def existing() -> Extension | None:
        return db.session.scalar(
            db.select(Extension).where(
                Extension.enrolment_id == enrolment.id,
                Extension.module_id.is_(None)
                if module_id is None
                else Extension.module_id == module_id,
            )
        )

    actor_id = getattr(actor, "id", None)
    # Two admins at once: one row, with the days of whoever wrote last.
    found = (
        existing()
        or add_or_take_winner(
            Extension(
                enrolment_id=enrolment.id, module_id=module_id, days=days, granted_by_id=actor_id
            ),
            existing,
        )[0]
    )
    found.days, found.granted_by_id = days, actor_id
    db.session.flush()
    schedule.forget()
    record(
        "cohort.extension_granted",
        actor=actor,
        target=cohort,
        student_id=enrolment.user_id,
        module_id=module_id,
        days=days,
    )
    return found


def remove_extension(cohort: Cohort, extension_id: int, actor: Any = None) -> bool:
    """Take an extension back; False if the group has no such extension."""
    ensure_writable(cohort)
    found = db.session.execute(
        db.select(Extension, Enrolment)
        .join(Enrolment, Enrolment.id == Extension.enrolment_id)
        .where(Extension.id == extension_id, Enrolment.cohort_id == cohort.id)
    ).first()
    if found is None:
        return False
    extension, enrolment = found
    db.session.delete(extension)
    db.session.flush()
    schedule.forget()
    record(
        "cohort.extension_removed",
        actor=actor,
        target=cohort,
        student_id=enrolment.user_id,
        module_id=extension.module_id,
        days=extension.days,
    )
    return True


def extensions_in(cohort_id: int) -> list[tuple[Extension, int]]:
    """The cohort's extensions with their student's id, newest first."""
    return [
        (extension, user_id)
        for extension, user_id in db.session.execute(
            db.select(Extension, Enrolment.user_id)
            .join(Enrolment, Enrolment.id == Extension.enrolment_id)
            .where(Enrolment.cohort_id == cohort_id)
            .order_by(Extension.granted_at.desc(), Extension.id.desc())
        )
    ]
