"""Reading a course folder: every rule of courses/FORMAT.md, reported as ``path:line``."""

from __future__ import annotations

import os

import pytest

from app.learning.content.spec import read_course
from tests.fixtures.app import ROOT
from tests.learning.course_fixture import (
    edit,
    line_of,
    quiz_yaml,
    rubric_yaml,
    text,
    write,
    write_course,
)


@pytest.fixture
def course(tmp_path):
    return write_course(tmp_path)


def assert_problem(course, relative, line, level, fragment):
    """Exactly the report an author would see: ``path:line: level: ...fragment...``."""
    where = f"{course / relative}:{line}" if line else str(course / relative)
    reported = [str(p) for p in read_course(course).problems]
    wanted = f"{where}: {level}: "
    assert any(r.startswith(wanted) and fragment in r for r in reported), (
        f"wanted {wanted}...{fragment}... in:\n" + "\n".join(reported)
    )


def test_the_fixture_course_is_clean(course):
    spec = read_course(course)
    assert spec.problems == []
    assert [m.slug for m in spec.modules] == ["intro", "sources"]
    assert spec.modules[0].video_url == "https://www.youtube-nocookie.com/embed/abc123"
    assert [q.key for q in spec.modules[1].questions] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert spec.modules[1].criteria[0].levels[1]["points"] == 1


def test_the_bundled_course_has_no_errors():
    spec = read_course(ROOT / "courses" / "fact-checking")
    assert [str(p) for p in spec.errors] == []
    assert len(spec.modules) == 6


# (file, text to replace, replacement, text on the reported line, level, message fragment)
BREAKS = [
    ("course.yaml", "slug: demo-course", "slug: Demo_Course", "slug:", "error", "'Demo_Course'"),
    ("course.yaml", "summary:", "colour: red\nsummary:", "colour", "error", "unknown key 'colour'"),
    ("course.yaml", "title:", "titel:", "titel", "error", "did you mean 'title'?"),
    ("course.yaml", "organisation:", "x-organisation:", "slug:", "error",
     "missing key 'organisation'"),
    ("course.yaml", "organisation: {", "organisation: Tekser\nx: {", "organisation", "error",
     "organisation must be a text"),
    ("course.yaml", "quiz_pass_mark: 70", "quiz_pass_mark: 0", "quiz_pass_mark", "error",
     "quiz_pass_mark must be a number from 1 to 100"),
    ("course.yaml", "quiz_pass_mark: 70", "quiz_pass_mark: 101", "quiz_pass_mark", "error",
     "from 1 to 100"),
    ("course.yaml", "video_watched_share: 0.9", "video_watched_share: 0.05", "video_watched",
     "error", "from 0.1 to 1"),
    ("course.yaml", "video_watched_share: 0.9", "video_watched_share: 1.5", "video_watched",
     "error", "from 0.1 to 1"),
    ("course.yaml", "sequential: true", "sequential: maybe", "sequential", "error",
     "true or false"),
    ("course.yaml", "  - 02-sources\n", "  - 02-sources\n  - 03-missing\n", "03-missing",
     "error", "module folder '03-missing' does not exist"),
    ("course.yaml", "  - 02-sources\n", "  - 02-sources\n  - 01-intro  # again\n", "again", "error",
     "listed twice"),
    ("course.yaml", "  - 02-sources\n", "  - ../elsewhere\n", "elsewhere", "error",
     "must be a folder name"),
    ("course.yaml", "title:", "title: {kk: 'A', kk: 'B'}\nx:", "title:", "error",
     "duplicate key 'kk' (first on line 2)"),
    ("course.yaml", "  sequential: true", "  sequential: true\n    bad: indent", "bad: indent",
     "error", "invalid YAML: mapping values are not allowed here"),
    ("02-sources/module.yaml", "slug: sources", "slug: intro", "slug:", "error",
     "also used by 01-intro"),
    ("02-sources/module.yaml", "title: {", "title: Sources\nx: {", "title", "error",
     "must be a text"),
    ("02-sources/module.yaml", 'title: {kk: "Sources kk", ru: "Sources ru", en: "Sources en"}',
     "title: {}", "title", "error", "title has no text in any language"),
    ("02-sources/module.yaml", ', en: "Sources en"}', "}", "title", "warning",
     "title has no English (en) text"),
    ("02-sources/module.yaml", 'en: "Sources en"', 'de: "Quellen"', "Quellen", "error",
     "unknown language 'de'"),
    ("02-sources/module.yaml", 'ru: "Sources ru"', 'ru: ""', "title", "error",
     "'ru' must be non-empty text"),
    ("02-sources/module.yaml", "summary:", "sumary:", "sumary", "error",
     "did you mean 'summary'?"),
    ("01-intro/quiz.yaml", "  - id: q2", "  - id: q1  # dup", "# dup", "error",
     "duplicate question id 'q1'"),
    ("01-intro/quiz.yaml", "      - id: c", "      - id: a  # dup", "# dup", "error",
     "duplicate option id 'a'"),
    ("01-intro/quiz.yaml", "correct: [b]", "correct: []", "correct", "error",
     "correct is empty"),
    ("01-intro/quiz.yaml", "correct: [b]", "correct: [z]", "correct", "error",
     "correct names option 'z', which does not exist (options: a, b, c)"),
    ("01-intro/quiz.yaml", "correct: [b]", "correct: b", "correct", "error",
     "must be a list of option ids"),
    ("01-intro/quiz.yaml", "    explanation:", "    explain:", "explain", "error",
     "unknown key 'explain'"),
    ("01-intro/quiz.yaml", "  - id: q1", "  - id: 1", "- id: 1", "error", "quote numbers"),
    ("01-intro/rubric.yaml", "      - points: 2", "      - points: 1  # same", "# same", "error",
     "points must rise strictly"),
    ("01-intro/rubric.yaml", "      - points: 2", "      - points: -1", "points: -1", "error",
     "points must be a number"),
    ("01-intro/rubric.yaml", "  - id: c2", "  - id: c1  # dup", "# dup", "error",
     "duplicate criterion id 'c1'"),
    ("01-intro/captions.ru.vtt", "00:00:04.500 --> 00:00:09.000", "00:00:04.500 --> 00:00:03.000",
     "00:00:04.500", "error", "ends (00:00:03.000) before or when it starts"),
    ("01-intro/captions.kk.vtt", "WEBVTT", "WEBVT", "WEBVT", "error", "first line must be WEBVTT"),
    ("01-intro/module.yaml", "https://www.youtube-nocookie.com", "http://www.youtube-nocookie.com",
     "url:", "error", "must start with https://"),
    ("01-intro/module.yaml", "www.youtube-nocookie.com/embed/abc123", "evil.example/embed/abc",
     "url:", "error", "embeddable player URL"),
    ("01-intro/module.yaml", "www.youtube-nocookie.com", "www.youtube-nocookie.com@evil.example",
     "url:", "error", "embeddable player URL"),
    ("01-intro/module.yaml", "www.youtube-nocookie.com/embed/abc123", "www.youtube.com/watch?v=a",
     "url:", "error", "embed URL"),
    ("01-intro/module.yaml", "www.youtube-nocookie.com", "www.youtube.com", "url:", "warning",
     "use www.youtube-nocookie.com"),
    ("01-intro/module.yaml", "  duration_seconds: 540", "  file: media/a.mp4", "video:", "error",
     "a url or sources, not both"),
    ("01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123",
     "  file: ../outside.mp4", "file:", "error", "no '..'"),
    ("01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123",
     "  file: /etc/video.mp4", "file:", "error", "not absolute"),
    ("01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123",
     "  file: media/missing.mp4", "file:", "error", "does not exist"),
    ("01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123",
     "  file: media/clip.avi", "file:", "error", "must be one of .mp4"),
    ("01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123\n", "",
     "video:", "error", "needs a url or sources"),
    ("01-intro/module.yaml", "duration_seconds: 540", "duration_seconds: -5", "duration",
     "error", "duration_seconds must be a number"),
]  # fmt: skip


@pytest.mark.parametrize(("relative", "old", "new", "needle", "level", "fragment"), BREAKS)
def test_each_rule_is_reported_with_its_file_and_line(
    course, relative, old, new, needle, level, fragment
):
    edit(course, relative, old, new)
    assert_problem(course, relative, line_of(course, relative, needle), level, fragment)


@pytest.mark.parametrize(
    ("questions", "options", "needle", "level", "fragment"),
    [
        (4, "abc", "questions:", "warning", "4 questions; a quiz should have 5 to 8"),
        (9, "abc", "questions:", "warning", "9 questions"),
        (0, "abc", "questions:", "error", "0 questions; a quiz needs at least 1"),
        (5, "ab", "options:", "warning", "q1: 2 options; a question should have 3 to 5"),
        (5, "abcdef", "options:", "warning", "q1: 6 options"),
        (5, "b", "options:", "error", "q1: 1 option; a question needs at least 2"),
    ],
)
def test_quiz_sizes(course, questions, options, needle, level, fragment):
    content = quiz_yaml(questions, options) if questions else "questions: []\n"
    write(course, "01-intro/quiz.yaml", content)
    assert_problem(course, "01-intro/quiz.yaml", line_of(course, "01-intro/quiz.yaml", needle),
                   level, fragment)  # fmt: skip


@pytest.mark.parametrize(
    ("criteria", "levels", "needle", "level", "fragment"),
    [
        (2, 3, "criteria:", "warning", "2 criteria; a rubric should have 3 to 5"),
        (6, 3, "criteria:", "warning", "6 criteria"),
        (3, 1, "levels:", "error", "c1: 1 level; a criterion needs 2 to 4"),
        (3, 5, "levels:", "error", "c1: 5 levels"),
    ],
)
def test_rubric_sizes(course, criteria, levels, needle, level, fragment):
    write(course, "01-intro/rubric.yaml", rubric_yaml(criteria, levels))
    assert_problem(course, "01-intro/rubric.yaml", line_of(course, "01-intro/rubric.yaml", needle),
                   level, fragment)  # fmt: skip


def test_the_vtt_line_is_the_line_in_the_captions_file(course):
    cues = "00:00:01.000 --> 00:00:02.000\nOne\n\n00:00:0x.000 --> 00:00:03.000\nTwo\n"
    write(course, "01-intro/captions.en.vtt", f"WEBVTT\n\n{cues}")
    assert_problem(course, "01-intro/captions.en.vtt", 6, "error", "malformed cue timing")


def test_a_self_hosted_video_file_is_one_source_for_every_language(course):
    write(course, "media/clip.mp4", "not really a video")
    edit(course, "01-intro/module.yaml", "url: https://www.youtube-nocookie.com/embed/abc123",
         "file: media/clip.mp4")  # fmt: skip
    edit(course, "01-intro/module.yaml", "  duration_seconds: 540\n", "")
    spec = read_course(course)
    assert [p.message for p in spec.problems] == [
        "video: file is one source for all languages; prefer sources: {kk: ..., ru: ..., en: ...}"
    ]
    assert spec.modules[0].video_url is None
    assert spec.modules[0].video_sources == dict.fromkeys(("kk", "ru", "en"), "media/clip.mp4")


def test_a_source_per_language_inside_the_course_is_fine(course):
    for lang in ("kk", "ru"):
        write(course, f"media/intro.{lang}.mp4", "checked by ffprobe when imported")
    edit(course, "01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123\n"
         "  duration_seconds: 540\n",
         "  sources:\n    kk: media/intro.kk.mp4\n    ru: media/intro.ru.mp4\n")  # fmt: skip
    spec = read_course(course)
    assert spec.problems == []
    assert spec.modules[0].video_sources == {
        "kk": "media/intro.kk.mp4",
        "ru": "media/intro.ru.mp4",
    }


def test_a_source_in_an_unknown_language_is_an_error(course):
    write(course, "media/intro.de.mp4", "x")
    edit(course, "01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123\n"
         "  duration_seconds: 540\n", "  sources:\n    de: media/intro.de.mp4\n")  # fmt: skip
    line = line_of(course, "01-intro/module.yaml", "de:")
    assert_problem(course, "01-intro/module.yaml", line, "error", "unknown language 'de'")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_video_file_may_not_lead_out_through_a_symlink(course, tmp_path):
    write(tmp_path, "secret.mp4", "x")
    (course / "media").mkdir()
    (course / "media" / "clip.mp4").symlink_to(tmp_path / "secret.mp4")
    edit(course, "01-intro/module.yaml", "url: https://www.youtube-nocookie.com/embed/abc123",
         "file: media/clip.mp4")  # fmt: skip
    line = line_of(course, "01-intro/module.yaml", "file:")
    assert_problem(course, "01-intro/module.yaml", line, "error", "leads outside the course")


def test_missing_files_and_a_module_without_a_lesson(course):
    for lang in ("ru", "en"):
        (course / f"02-sources/lesson.{lang}.md").unlink()
    (course / "02-sources/quiz.yaml").unlink()
    assert_problem(course, "02-sources", None, "error", "the module has no lesson")
    assert_problem(course, "02-sources/quiz.yaml", None, "error", "the file is missing")


def test_stray_files_and_unlisted_modules_are_warnings(course):
    write(course, "01-intro/lesson.de.md", "Hallo")
    write(course, "01-intro/quizz.yaml", "questions: []")
    write(course, "03-draft/module.yaml", "slug: draft")
    spec = read_course(course)
    assert spec.errors == []
    assert_problem(course, "01-intro/lesson.de.md", None, "warning", "unknown language 'de'")
    assert_problem(course, "01-intro/quizz.yaml", None, "warning", "unexpected file")
    line = line_of(course, "course.yaml", "modules:")
    assert_problem(course, "course.yaml", line, "warning", "'03-draft' has a module.yaml but")


def test_a_level_one_heading_is_a_warning(course):
    write(course, "01-intro/lesson.en.md", "Intro\n\n# Big title\n")
    assert_problem(course, "01-intro/lesson.en.md", 3, "warning", "level-1 heading")


def test_every_problem_is_collected_not_just_the_first(course):
    edit(course, "course.yaml", "quiz_pass_mark: 70", "quiz_pass_mark: 0")
    edit(course, "01-intro/quiz.yaml", "correct: [b]", "correct: [x]")
    edit(course, "01-intro/quiz.yaml", "correct: [b]", "correct: []")
    edit(course, "02-sources/rubric.yaml", "points: 1", "points: 0")
    write(course, "02-sources/module.yaml", "slug: [unclosed\n")
    spec = read_course(course)
    assert len(spec.errors) == 5, "\n".join(map(str, spec.problems))
    # reported file by file, in reading order, each by line
    assert [p.path.rsplit("/", 2)[-2:] for p in spec.errors] == [
        ["demo-course", "course.yaml"],
        ["01-intro", "quiz.yaml"],
        ["01-intro", "quiz.yaml"],
        ["02-sources", "module.yaml"],
        ["02-sources", "rubric.yaml"],
    ]


def test_a_missing_course_folder_or_course_yaml(tmp_path):
    assert "no such course folder" in str(read_course(tmp_path / "nowhere").problems[0])
    (tmp_path / "empty").mkdir()
    problems = read_course(tmp_path / "empty").problems
    assert [str(p) for p in problems] == [f"{tmp_path / 'empty/course.yaml'}: error: "
                                          "the file is missing"]  # fmt: skip


def test_coverage_lists_the_languages_of_each_piece(course):
    edit(course, "01-intro/quiz.yaml", 'en: "Because 3 en"', 'ru: "again"', count=1)
    edit(course, "01-intro/quiz.yaml", ', ru: "again"', "")
    coverage = read_course(course).coverage
    assert coverage["01-intro"]["quiz"] == ("kk", "ru")  # one explanation lacks en
    assert coverage["01-intro"]["captions"] == ("kk", "ru", "en")
    assert coverage["02-sources"] == {
        "title": ("kk", "ru", "en"),
        "lesson": ("ru", "en"),
        "homework": ("ru", "en"),
        "quiz": ("kk", "ru", "en"),
        "rubric": ("kk", "ru", "en"),
        "guide": ("kk", "ru", "en"),
        "captions": (),
    }


def test_texts_keep_the_language_order(course):
    edit(course, "02-sources/module.yaml", text("Sources"), '{en: "E", kk: "K"}')
    assert read_course(course).modules[1].title == {"kk": "K", "en": "E"}
    assert list(read_course(course).modules[1].title) == ["kk", "en"]
