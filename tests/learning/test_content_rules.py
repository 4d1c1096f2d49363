"""The course format's newer parts: quiz settings and the completion rule in course.yaml,
reviewer.yaml, glossary.yaml, and the warnings about answer patterns; and that importing them
keeps every student's progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.learning.content.importer import import_course
from app.learning.content.spec import QuestionSpec, read_course
from app.learning.content.spec.bias import check_quizzes
from app.learning.content.spec.models import CourseSpec, ModuleSpec
from app.learning.models import Course, Module, ModuleProgress, QuizAttempt
from tests.learning.course_fixture import edit, line_of, text, write, write_course


@pytest.fixture
def course(tmp_path):
    return write_course(tmp_path)


def reported(course) -> list[str]:
    return [str(p) for p in read_course(course).problems]


def has(course, relative, line, level, fragment) -> bool:
    where = f"{course / relative}:{line}" if line else str(course / relative)
    return any(r.startswith(f"{where}: {level}: ") and fragment in r for r in reported(course))


# --- settings and the completion rule ----------------------------------------------------------


def test_quiz_settings_and_completion_are_read(course):
    edit(course, "course.yaml", "  sequential: true\n",
         "  sequential: true\n  quiz_feedback: full\n  quiz_retry_cooldown_seconds: 300\n"
         "completion:\n  homework: not-required\n")  # fmt: skip
    spec = read_course(course)
    assert spec.problems == []
    assert (spec.quiz_feedback, spec.quiz_retry_cooldown, spec.homework_required) == (
        "full",
        300,
        False,
    )


def test_without_a_completion_block_the_old_rule_holds(course):
    spec = read_course(course)
    assert spec.homework_required is True and spec.quiz_feedback == "wrong-only"
    assert spec.quiz_retry_cooldown == 60


@pytest.mark.parametrize(
    "addition, needle, fragment",
    [
        ("  quiz_feedback: answers\n", "quiz_feedback", "quiz_feedback must be one of"),
        ("  quiz_retry_cooldown_seconds: -5\n", "quiz_retry", "from 0 to 86400"),
        ("completion:\n  homework: submitted\n", "homework: submitted",
         "completion: homework must be one of accepted-in-every-module, not-required"),
        ("completion:\n  quiz_pass_mark: 80\n", "quiz_pass_mark: 80",
         "differs from settings: quiz_pass_mark 70"),
        ("completion:\n  certificate: yes\n", "certificate", "unknown key 'certificate'"),
    ],
)  # fmt: skip
def test_bad_settings_are_errors_with_their_line(course, addition, needle, fragment):
    edit(course, "course.yaml", "  sequential: true\n", "  sequential: true\n" + addition)
    assert has(course, "course.yaml", line_of(course, "course.yaml", needle), "error", fragment)


# --- reviewer.yaml -----------------------------------------------------------------------------


def test_a_guide_naming_a_criterion_or_level_the_rubric_lacks_is_an_error(course):
    edit(course, "01-intro/reviewer.yaml", "criterion: c2", "criterion: c9")
    assert has(course, "01-intro/reviewer.yaml",
               line_of(course, "01-intro/reviewer.yaml", "criterion: c9"), "error",
               "criterion 'c9' is not in the rubric (criteria: c1, c2, c3)")  # fmt: skip
    edit(course, "01-intro/reviewer.yaml", "points: 2", "points: 7")
    assert has(course, "01-intro/reviewer.yaml",
               line_of(course, "01-intro/reviewer.yaml", "points: 7"), "error",
               "criterion 'c1' has no level with points 7 (levels: 0, 1, 2)")  # fmt: skip


def test_a_level_without_an_example_is_a_warning(course):
    path = course / "01-intro/reviewer.yaml"
    lines = path.read_text().splitlines()
    at = lines.index("  - criterion: c3")
    path.write_text("\n".join(lines[:at]) + "\n")
    assert has(course, "01-intro/reviewer.yaml", line_of(course, "01-intro/reviewer.yaml",
               "levels:"), "warning", "criterion 'c3' has no example for level(s) with points "
               "0, 1, 2")  # fmt: skip


def test_a_module_without_a_guide_is_a_warning_and_a_missing_language_falls_back(course):
    (course / "02-sources/reviewer.yaml").unlink()
    assert has(course, "02-sources", None, "warning", "no reviewer guide (reviewer.yaml)")
    edit(course, "01-intro/reviewer.yaml", text("Look for the claim"),
         text("Look for the claim", "ru en"))  # fmt: skip
    spec = read_course(course)
    assert spec.coverage["01-intro"]["guide"] == ("ru", "en")


# --- answer patterns ---------------------------------------------------------------------------


def question(key: str, correct: str, lengths: dict[str, int]) -> QuestionSpec:
    options = [
        {"id": option, "text": {"en": "x" * lengths.get(option, 10), "ru": "y" * 10}}
        for option in "abcd"
    ]
    return QuestionSpec(key, {"en": key}, options, [correct], {"en": "why"})


def spec_of(*modules: list[QuestionSpec]) -> CourseSpec:
    spec = CourseSpec(path=__import__("pathlib").Path("/c"))
    for n, questions in enumerate(modules, 1):
        spec.modules.append(ModuleSpec(folder=f"0{n}-m", questions=questions))
    check_quizzes(spec)
    return spec


def test_the_longest_option_being_right_is_warned_per_language():
    questions = [question(f"q{n}", "abcd"[n % 4], {"abcd"[n % 4]: 40}) for n in range(6)]
    messages = [p.message for p in spec_of(questions).problems]
    assert (
        "the correct option is the longest in 6 of 6 (en) questions; make the options "
        "similar in length" in messages
    )  # ru options are all the same length: no warning
    assert not any("(ru)" in m for m in messages)


def test_one_position_for_the_right_answer_is_warned():
    questions = [question(f"q{n}", "b" if n < 3 else "c", {}) for n in range(6)]
    messages = [p.message for p in spec_of(questions).problems]
    assert any("'b' (position 2) in 3 of 6 single-answer questions" in m for m in messages)


def test_a_position_never_right_across_the_course_is_warned():
    first = [question(f"q{n}", "abc"[n % 3], {}) for n in range(5)]
    second = [question(f"q{n}", "abc"[n % 3], {}) for n in range(5)]
    problems = spec_of(first, second).problems
    assert [p.message for p in problems if p.path == "/c/course.yaml"] == [
        "across the course: no single-answer question has its correct option in position "
        "'d' (10 questions)"
    ]


def test_varied_quizzes_are_not_warned():
    questions = [question(f"q{n}", "abcd"[n % 4], {"abcd"[(n + 1) % 4]: 30}) for n in range(8)]
    assert [p.message for p in spec_of(questions).problems if "longest" in p.message] == []


# --- glossary.yaml -----------------------------------------------------------------------------

GLOSSARY = """terms:
  - id: verdict
    en: verdict
    kk: Қорытынды
    avoid:
      kk: [вердикт]
  - id: "true"
    en: "true"
    kk: шындық
    avoid:
      kk: [шын]
    allow:
      kk: [шынайы]
  - id: images
    en: Yandex Images
    kk: Яндекс Картинки
    avoid:
      kk: [Яндекс Суреттер]
"""


def test_avoided_forms_are_reported_with_file_line_and_language(course):
    write(course, "glossary.yaml", GLOSSARY)
    write(
        course,
        "01-intro/lesson.kk.md",
        "## Сабақ\n\nСіздің Вердиктіңіз дәлелге сүйенсін.\n\nЯндекс\nСуреттерде іздеңіз.\n",
    )
    write(course, "01-intro/lesson.ru.md", "## Урок\n\nВаш вердикт должен опираться на факты.\n")
    edit(course, "01-intro/quiz.yaml", 'en: "Question 1 en"',
         'en: "Question 1 en", ru: "вердикт ru"')  # fmt: skip
    edit(course, "01-intro/quiz.yaml", 'kk: "Question 2 kk"', 'kk: "вердикт kk"')
    spec = read_course(course)
    glossary = [str(p) for p in spec.problems if "glossary" in p.message]
    lesson = course / "01-intro/lesson.kk.md"
    assert (
        f"{lesson}:3: warning: glossary (kk): «Вердиктіңіз» is a form the glossary "
        "avoids (term verdict); use «Қорытынды»" in glossary
    )  # a suffix after the stem
    assert f"{lesson}:5: warning: glossary (kk): «Яндекс Суреттерде»" in " ".join(glossary)
    quiz_line = line_of(course, "01-intro/quiz.yaml", "вердикт kk")
    assert any(g.startswith(f"{course / '01-intro/quiz.yaml'}:{quiz_line}:") for g in glossary)
    # Russian texts may say «вердикт»: the term is avoided in Kazakh only.
    assert not any("lesson.ru.md" in g or "вердикт ru" in g for g in glossary)
    assert spec.glossary_hits == len(glossary) == 3


def test_the_preferred_and_allowed_forms_are_not_reported(course):
    write(course, "glossary.yaml", GLOSSARY)
    write(course, "01-intro/lesson.kk.md", "## Сабақ\n\nШындық сэндвичі. Шынайы сурет.\n")
    assert read_course(course).glossary_hits == 0
    write(course, "01-intro/lesson.kk.md", "## Сабақ\n\nБұл шын.\n")
    assert read_course(course).glossary_hits == 1


def test_a_broken_glossary_is_reported(course):
    write(course, "glossary.yaml", "terms:\n  - id: x\n    en: x\n    avoid:\n      de: [y]\n")
    assert has(course, "glossary.yaml", 5, "error", "unknown language 'de'")


def test_strict_validation_fails_on_warnings(app, course):
    write(course, "glossary.yaml", GLOSSARY)
    write(course, "01-intro/lesson.kk.md", "## Сабақ\n\nВердикт.\n")
    runner = app.test_cli_runner()
    relaxed = runner.invoke(args=["courses", "validate", str(course)])
    assert relaxed.exit_code == 0 and "1 use of forms the glossary avoids" in relaxed.output
    strict = runner.invoke(args=["courses", "validate", "--strict", str(course)])
    assert strict.exit_code == 1


# --- importing ---------------------------------------------------------------------------------


def run_import(app, path):
    with app.app_context():
        result = import_course(read_course(path))
        db.session.commit()
        return result


def test_import_stores_settings_rule_and_guide(app, course):
    run_import(app, course)
    with app.app_context():
        stored = db.session.scalar(select(Course))
        assert (stored.quiz_feedback, stored.quiz_retry_cooldown, stored.homework_required) == (
            "wrong-only",
            60,
            True,
        )
        intro = db.session.scalar(select(Module).where(Module.slug == "intro"))
        guide = intro.reviewer_guide
        assert guide["general"]["en"] == "<p>Look for the claim en</p>"
        assert [o["id"] for o in guide["options"]] == ["A", "B"]
        assert guide["levels"]["c2"]["1"]["kk"] == "<p>Example c2 level 1 kk</p>"


def test_reimport_keeps_progress_and_attempts_while_the_guide_and_rule_change(
    app, course, make_user
):
    run_import(app, course)
    user = make_user()
    with app.app_context():
        intro = db.session.scalar(select(Module).where(Module.slug == "intro"))
        done = utcnow()
        db.session.add(ModuleProgress(user_id=user.id, module_id=intro.id, video_seconds=0,
                                      lesson_read_at=done, quiz_passed_at=done))  # fmt: skip
        db.session.add(QuizAttempt(user_id=user.id, module_id=intro.id, token="t1",
                                   answers={"q1": ["b"]}, score=1, total=5, passed=False,
                                   option_order={"q1": ["c", "a", "b"]}))  # fmt: skip
        db.session.commit()
    edit(course, "01-intro/reviewer.yaml", "Look for the claim", "Look for the source", count=3)
    edit(
        course,
        "course.yaml",
        "  sequential: true\n",
        "  sequential: true\n  quiz_feedback: full\ncompletion:\n  homework: not-required\n",
    )
    result = run_import(app, course)
    assert result.counts["module"]["updated"] == 1 and result.counts["course"]["updated"] == 1
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.user_id, attempt.option_order) == (user.id, {"q1": ["c", "a", "b"]})
        row = db.session.scalar(select(ModuleProgress))
        assert row.user_id == user.id
        # The rule no longer asks for homework: the module became complete at the import.
        assert row.completed_at is not None
        intro = db.session.scalar(select(Module).where(Module.slug == "intro"))
        assert intro.reviewer_guide["general"]["en"] == "<p>Look for the source en</p>"
        assert db.session.scalar(select(Course)).homework_required is False
