"""The progress rules (DESIGN.md section 4), state by state."""

import pytest

from app.cohorts.models import Cohort
from app.extensions import db
from app.homework import services as homework
from app.homework.services import HomeworkState
from app.learning import progress
from app.learning.models import Course, Module, ModuleProgress
from app.learning.progress import ModuleState, Step


def states(app, user, course_id, cohort_id):
    with app.app_context():
        course = db.session.get(Course, course_id)
        cp = progress.course_progress(user.id, course, db.session.get(Cohort, cohort_id))
        return cp, [s.state for s in cp.modules]


def module(course_id, n):
    return db.session.scalar(
        db.select(Module).where(Module.course_id == course_id, Module.position == n)
    )


@pytest.fixture
def accepted(monkeypatch):
    """Pretend the homework of the given module ids is accepted (the homework domain's answer)."""
    accepted_ids: set[int] = set()

    def fake(user_id, module_ids):
        return {
            m: HomeworkState.ACCEPTED if m in accepted_ids else HomeworkState.NOT_SUBMITTED
            for m in module_ids
        }

    monkeypatch.setattr(homework, "homework_states", fake)
    monkeypatch.setattr(progress, "homework_states", fake)
    return accepted_ids


def test_a_new_student_sees_the_first_module_open_and_the_rest_locked(app, student, course):
    cp, found = states(app, student, *course)
    assert found == [ModuleState.OPEN, ModuleState.LOCKED, ModuleState.LOCKED]
    assert cp.current.module.slug == "m1" and cp.current.next_step == Step.LESSON
    assert cp.modules[0].homework == HomeworkState.NOT_SUBMITTED


def test_lesson_and_quiz_without_accepted_homework_is_in_progress(app, student, course):
    with app.app_context():
        m1 = module(course[0], 1)
        progress.mark_lesson_read(student.id, m1)
        progress.mark_quiz_passed(student.id, m1)
        assert progress.refresh_completion(student.id, m1) is False
        db.session.commit()
    cp, found = states(app, student, *course)
    assert found == [ModuleState.IN_PROGRESS, ModuleState.LOCKED, ModuleState.LOCKED]
    assert cp.modules[0].next_step == Step.HOMEWORK


def test_video_watched_to_the_share_counts_as_the_lesson(app, student, course, accepted):
    with app.app_context():
        m1 = module(course[0], 1)
        progress.record_video_progress(student.id, m1, "en", [(0, 40)], 40)
        progress.record_video_progress(student.id, m1, "en", [(95, 100)], 100)  # a seek
        row = db.session.scalar(db.select(ModuleProgress))
        assert row.video_seconds == 45 and not progress.lesson_done(row)
        progress.record_video_progress(student.id, m1, "en", [(30, 89)], 89)
        assert row.video_seconds == 94 and progress.lesson_done(row)
        assert row.video_played == {"en": {"ranges": [[0, 89], [95, 100]], "at": 89}}
        progress.record_video_progress(student.id, m1, "en", [(0, 10_000)], 10_000)
        assert row.video_seconds == 100  # clamped to the duration
        assert row.video_played["en"] == {"ranges": [[0, 100]], "at": 100}
        db.session.commit()


def test_each_language_of_the_video_has_its_own_union(app, student, course):
    with app.app_context():
        m1 = module(course[0], 1)
        progress.record_video_progress(student.id, m1, "kk", [(0, 60)], 60)
        progress.record_video_progress(student.id, m1, "ru", [(40, 80)], 80)
        row = db.session.scalar(db.select(ModuleProgress))
        assert row.video_watched_at is None  # 60 s and 40 s, not 80 s of one video
        assert row.video_seconds == 60
        assert progress.resume_position(student.id, m1, "kk") == 60
        assert progress.resume_position(student.id, m1, "ru") == 80
        assert progress.resume_position(student.id, m1, "en") == 0
        progress.record_video_progress(student.id, m1, "kk", [(55, 97)])  # no position: kept
        assert progress.resume_position(student.id, m1, "kk") == 60
        assert row.video_watched_at is not None
        db.session.commit()


def test_complete_needs_all_three_parts_and_unlocks_the_next(app, student, course, accepted):
    with app.app_context():
        m1 = module(course[0], 1)
        accepted.add(m1.id)
        progress.mark_quiz_passed(student.id, m1)
        assert progress.refresh_completion(student.id, m1) is False  # lesson missing
        progress.mark_lesson_read(student.id, m1)
        assert progress.refresh_completion(student.id, m1) is True
        assert progress.refresh_completion(student.id, m1) is False  # only once
        db.session.commit()
    cp, found = states(app, student, *course)
    assert found == [ModuleState.COMPLETE, ModuleState.OPEN, ModuleState.LOCKED]
    assert cp.completed == 1 and cp.percent == 33 and cp.current.module.slug == "m2"


def test_all_complete(app, student, course, accepted):
    with app.app_context():
        for n in (1, 2, 3):
            m = module(course[0], n)
            accepted.add(m.id)
            progress.mark_lesson_read(student.id, m)
            progress.mark_quiz_passed(student.id, m)
            progress.refresh_completion(student.id, m)
        db.session.commit()
    cp, found = states(app, student, *course)
    assert found == [ModuleState.COMPLETE] * 3
    assert cp.is_complete and cp.current is None and cp.percent == 100


@pytest.mark.parametrize(
    "hw, step",
    [
        (HomeworkState.SUBMITTED, Step.WAIT_REVIEW),
        (HomeworkState.IN_REVIEW, Step.WAIT_REVIEW),
        (HomeworkState.RETURNED, Step.REVISE),
        (HomeworkState.DRAFT, Step.HOMEWORK),
    ],
)
def test_next_step_follows_the_homework_state(app, student, course, monkeypatch, hw, step):
    monkeypatch.setattr(progress, "homework_states", lambda u, ids: dict.fromkeys(ids, hw))
    with app.app_context():
        m1 = module(course[0], 1)
        progress.mark_lesson_read(student.id, m1)
        progress.mark_quiz_passed(student.id, m1)
        db.session.commit()
    cp, found = states(app, student, *course)
    assert found[0] == ModuleState.IN_PROGRESS and cp.modules[0].next_step == step


def test_a_cohort_can_open_every_module(app, make_user, enrol, make_course):
    course_id, cohort_id = make_course(slug="open")
    with app.app_context():
        db.session.get(Cohort, cohort_id).sequential = False
        db.session.commit()
    user = make_user()
    enrol(user, cohort_id)
    _, found = states(app, user, course_id, cohort_id)
    assert found == [ModuleState.OPEN] * 3


def test_a_course_not_in_order_opens_every_module(app, make_user, enrol, make_course):
    course_id, cohort_id = make_course(slug="free", sequential=False)
    user = make_user()
    enrol(user, cohort_id)
    _, found = states(app, user, course_id, cohort_id)
    assert found == [ModuleState.OPEN] * 3


def test_completion_is_a_database_invariant(app, student, course):
    from sqlalchemy.exc import IntegrityError

    from app.db import utcnow

    with app.app_context():
        db.session.add(
            ModuleProgress(
                user_id=student.id,
                module_id=module(course[0], 1).id,
                video_seconds=0,
                completed_at=utcnow(),
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_dashboard_query_count_does_not_grow_with_modules(
    app, client, make_user, login, enrol, make_course, count_queries
):
    small = make_course(slug="small", modules=2)
    big = make_course(slug="big", modules=8)
    a, b = make_user(), make_user()
    enrol(a, small[1])
    enrol(b, big[1])
    counts = []
    for user in (a, b):
        c = app.test_client()
        login(c, user)
        with count_queries() as counter:
            assert c.get("/dashboard").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_dashboard_and_module_page_statements(
    client, make_user, login, enrol, make_course, count_queries
):
    """The signed-in user with roles and the unread-notice count in the navigation (none:
    both kept since the first request, ADR 0024); the dashboard's standing: enrolments with
    cohort, course version and rules, each module's progress, homework state, cohort dates and
    extensions (1), and the newest announcements of the student's cohorts (1); a module page's
    standing in its course (1), the module's content (1, kept after the first visit) and its
    videos (1; the data saver only when there is a video). The course's outline (titles,
    slugs, order) is read once per course version and worker (on the first dashboard)."""
    _course, cohort = make_course(slug="counted", modules=3)
    student = make_user()
    enrol(student, cohort)
    login(client, student)
    client.get("/dashboard")
    counts = {}
    for url in ("/dashboard", "/courses/counted/modules/m1"):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[url] = len([s for s in counter.statements if s.strip().upper() != "BEGIN"])
    assert counts == {"/dashboard": 2, "/courses/counted/modules/m1": 3}
