"""Importing a course folder: upsert by slug/key, retire instead of delete, idempotent; the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.learning.content.importer import ContentError, import_course
from app.learning.content.spec import read_course
from app.learning.models import (
    Course,
    Module,
    ModuleProgress,
    QuizAttempt,
    QuizQuestion,
    RubricCriterion,
)
from tests.fixtures.app import ROOT
from tests.learning.course_fixture import SLUG, course_yaml, edit, line_of, write, write_course

MODELS = (Course, Module, QuizQuestion, RubricCriterion, ModuleProgress, QuizAttempt)


@pytest.fixture
def course(tmp_path):
    return write_course(tmp_path)


def run_import(app, path):
    with app.app_context():
        result = import_course(read_course(path))
        db.session.commit()
        return result


def snapshot(app) -> dict:
    """Every row of every learning table, as plain values keyed by table and id."""
    with app.app_context():
        return {
            model.__tablename__: {
                row.id: {c.key: getattr(row, c.key) for c in model.__table__.columns}
                for row in db.session.scalars(select(model))
            }
            for model in MODELS
        }


def modules_by_slug(app) -> dict[str, tuple[int, int, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(Module))
        return {m.slug: (m.id, m.position, m.retired) for m in rows}


def test_import_writes_the_course(app, course):
    result = run_import(app, course)
    assert result.counts["course"]["created"] == 1
    assert result.counts["module"]["created"] == 2
    assert result.counts["question"]["created"] == 11
    assert result.counts["criterion"]["created"] == 7
    with app.app_context():
        row = db.session.scalar(select(Course))
        assert (row.slug, row.title["en"], row.quiz_pass_mark) == (SLUG, "Demo course en", 70)
        intro, sources = row.modules
        assert (intro.slug, intro.position, sources.position) == ("intro", 1, 2)
        assert intro.video_url == "https://www.youtube-nocookie.com/embed/abc123"
        assert intro.video_duration == 540 and sources.video_url is None
        assert intro.lesson_html["kk"] == "<h2>Lesson (kk)</h2>\n<p>Read <strong>this</strong>.</p>"
        assert "<table>" in sources.lesson_html["en"] and "kk" not in sources.lesson_html
        assert intro.captions["ru"].startswith("WEBVTT")
        assert intro.transcript["en"] == ["Hello in en.", "Second cue in en."]
        assert [q.key for q in intro.questions] == ["q1", "q2", "q3", "q4", "q5"]
        question = intro.questions[0]
        assert question.correct == ["b"]
        assert question.options[0] == {
            "id": "a",
            "text": {"kk": "Option 1a kk", "ru": "Option 1a ru", "en": "Option 1a en"},
        }
        assert [c.key for c in sources.criteria] == ["c1", "c2", "c3", "c4"]
        assert sources.criteria[0].levels[1]["points"] == 1


def test_importing_the_same_folder_twice_changes_nothing(app, course):
    run_import(app, course)
    before = snapshot(app)
    again = run_import(app, course)
    assert not again.changed
    assert again.counts["module"]["unchanged"] == 2
    assert again.counts["question"]["unchanged"] == 11
    assert snapshot(app) == before  # same ids, same values, imported_at included


@pytest.fixture
def learner(app, make_user):
    """A student with progress and a quiz attempt in both modules of the imported course."""

    def make(slugs=("intro", "sources")):
        user = make_user()
        with app.app_context():
            for slug in slugs:
                module = db.session.scalar(select(Module).where(Module.slug == slug))
                db.session.add(ModuleProgress(user_id=user.id, module_id=module.id,
                                              video_seconds=12))  # fmt: skip
                db.session.add(
                    QuizAttempt(user_id=user.id, module_id=module.id, token=f"tok-{slug}",
                                answers={"q5": ["b"]}, score=1, total=5, passed=False)
                )  # fmt: skip
            db.session.commit()
        return user

    return make


def add_module(course, folder, slug):
    for path in (course / "02-sources").iterdir():
        write(course, f"{folder}/{path.name}", path.read_text())
    edit(course, f"{folder}/module.yaml", "slug: sources", f"slug: {slug}")


def test_reimport_after_edits_keeps_ids_and_retires_what_is_gone(app, course, learner):
    add_module(course, "03-extra", "extra")
    write(course, "course.yaml", course_yaml(("01-intro", "02-sources", "03-extra")))
    run_import(app, course)
    learner(("intro", "sources", "extra"))
    ids = {slug: row[0] for slug, row in modules_by_slug(app).items()}
    kept = {k: v for k, v in snapshot(app).items() if k in ("module_progress", "quiz_attempt")}

    # In one import: a new title, the order swapped, a question and a module removed.
    edit(course, "01-intro/module.yaml", '"Intro en"', '"Introduction en"')
    quiz = (course / "01-intro/quiz.yaml").read_text()
    write(course, "01-intro/quiz.yaml", quiz[: quiz.index("  - id: q5")])
    write(course, "course.yaml", course_yaml(("02-sources", "01-intro")))
    result = run_import(app, course)

    assert result.counts["module"] == {"updated": 2, "retired": 1}
    assert result.counts["question"]["retired"] == 1
    assert result.counts["question"]["created"] == 0
    assert modules_by_slug(app) == {
        "sources": (ids["sources"], 1, False),
        "intro": (ids["intro"], 2, False),
        "extra": (ids["extra"], 3, True),
    }
    with app.app_context():
        intro = db.session.get(Module, ids["intro"])
        assert intro.title["en"] == "Introduction en"
        assert [q.key for q in intro.questions] == ["q1", "q2", "q3", "q4"]
        q5 = db.session.scalar(select(QuizQuestion).filter_by(key="q5", module_id=intro.id))
        assert q5.retired
        assert [m.slug for m in db.session.scalar(select(Course)).modules] == ["sources", "intro"]
    after = snapshot(app)
    assert {k: after[k] for k in kept} == kept  # progress and attempts untouched

    # Listing them again brings them back: same ids, the question un-retired, not re-created.
    write(course, "course.yaml", course_yaml(("01-intro", "02-sources", "03-extra")))
    write(course, "01-intro/quiz.yaml", quiz)
    result = run_import(app, course)
    assert modules_by_slug(app) == {
        "intro": (ids["intro"], 1, False),
        "sources": (ids["sources"], 2, False),
        "extra": (ids["extra"], 3, False),
    }
    assert result.counts["question"]["updated"] == 1
    assert result.counts["question"]["created"] == 0
    assert snapshot(app)["quiz_attempt"] == kept["quiz_attempt"]


def test_swapping_the_module_order_keeps_ids(app, course, learner):
    run_import(app, course)
    learner()
    ids = modules_by_slug(app)
    write(course, "course.yaml", course_yaml(("02-sources", "01-intro")))
    result = run_import(app, course)
    assert result.counts["module"]["updated"] == 2
    assert modules_by_slug(app) == {
        "intro": (ids["intro"][0], 2, False),
        "sources": (ids["sources"][0], 1, False),
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 2


def test_a_changed_question_is_updated_in_place(app, course):
    run_import(app, course)
    q2_of_intro = (
        select(QuizQuestion).join(Module).where(Module.slug == "intro", QuizQuestion.key == "q2")
    )
    with app.app_context():
        before = db.session.scalar(q2_of_intro).id
    edit(course, "01-intro/quiz.yaml", "correct: [b]", "correct: [a, c]", count=2)
    result = run_import(app, course)
    assert result.counts["question"]["updated"] == 2
    with app.app_context():
        q2 = db.session.scalar(q2_of_intro)
        assert (q2.id, q2.correct) == (before, ["a", "c"])


def test_an_import_with_errors_writes_nothing(app, course):
    edit(course, "01-intro/quiz.yaml", "correct: [b]", "correct: [z]")
    spec = read_course(course)
    with app.app_context(), pytest.raises(ContentError):
        import_course(spec)
    assert all(not rows for rows in snapshot(app).values())


def test_the_bundled_course_imports_and_reimports_unchanged(app):
    path = ROOT / "courses" / "fact-checking"
    first = run_import(app, path)
    assert first.counts["module"]["created"] == 6
    before = snapshot(app)
    assert not run_import(app, path).changed
    assert snapshot(app) == before


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["courses", *args])


def test_cli_validate_prints_the_coverage_table(app, course):
    result = cli(app, "validate", str(course))
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output
    assert "title     lesson    homework  quiz      rubric    guide     captions" in result.output
    assert "02-sources  ✓  ✓  ✓   –  ✓  ✓   –  ✓  ✓" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_cli_validate_reports_path_and_line_and_exits_1(app, course):
    edit(course, "02-sources/quiz.yaml", "correct: [b]", "correct: []")
    line = line_of(course, "02-sources/quiz.yaml", "correct: []")
    result = cli(app, "validate", str(course))
    assert result.exit_code == 1
    assert f"{course}/02-sources/quiz.yaml:{line}: error: question q1: correct is empty" in (
        result.output
    )
    assert "1 error, 0 warnings" in result.output
    assert "01-intro" in result.output  # the coverage table is still shown


def test_cli_import_relative_path(app, course, monkeypatch):
    monkeypatch.chdir(course.parent)
    result = cli(app, "import", SLUG)
    assert result.exit_code == 0, result.output
    assert "[1/2] 01-intro: created; 5 questions (5 created), 3 criteria (3 created)" in (
        result.output
    )
    assert "module     2 created, 0 updated, 0 retired, 0 unchanged" in result.output
    assert "captions" in result.output and "✓" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Module)) == 2

    again = cli(app, "import", SLUG)
    assert again.exit_code == 0
    assert "[2/2] 02-sources: unchanged; 6 questions, 4 criteria" in again.output


def test_cli_import_with_errors_exits_1_and_writes_nothing(app, course):
    edit(course, "course.yaml", "quiz_pass_mark: 70", "quiz_pass_mark: 170")
    line = line_of(course, "course.yaml", "quiz_pass_mark")
    result = cli(app, "import", str(course))
    assert result.exit_code == 1
    assert f"{course}/course.yaml:{line}: error: quiz_pass_mark" in result.output
    assert "not imported" in result.output
    assert all(not rows for rows in snapshot(app).values())


def test_cli_refuses_a_folder_that_does_not_exist(app, tmp_path):
    result = cli(app, "validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
