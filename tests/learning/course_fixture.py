"""A small valid course folder (two modules) for tests, and helpers to break one file of it.

Every text is written on one line, so a test can find a problem's line with :func:`line_of`.
"""

from __future__ import annotations

from pathlib import Path

SLUG = "demo-course"


def text(label: str, langs: str = "kk ru en") -> str:
    return "{" + ", ".join(f'{lang}: "{label} {lang}"' for lang in langs.split()) + "}"


def course_yaml(modules: tuple[str, ...] = ("01-intro", "02-sources")) -> str:
    listed = "".join(f"  - {folder}\n" for folder in modules)
    return (
        f"slug: {SLUG}\n"
        f"title: {text('Demo course')}\n"
        f"summary: {text('Summary')}\n"
        f"organisation: {text('Tekser')}\n"
        "settings:\n"
        "  quiz_pass_mark: 70\n"
        "  video_watched_share: 0.9\n"
        "  sequential: true\n"
        f"modules:\n{listed}"
    )


def module_yaml(slug: str, video: str = "") -> str:
    return f"slug: {slug}\ntitle: {text(slug.title())}\nsummary: {text('About ' + slug)}\n{video}"


VIDEO = "video:\n  url: https://www.youtube-nocookie.com/embed/abc123\n  duration_seconds: 540\n"


ROTATION = "bbcacd"  # q1 and q2 answer "b"


def quiz_yaml(questions: int = 5, options: str = "abc") -> str:
    out = ["questions:"]
    for n in range(1, questions + 1):
        out += [f"  - id: q{n}", f"    text: {text(f'Question {n}')}", "    options:"]
        for option in options:
            out += [f"      - id: {option}", f"        text: {text(f'Option {n}{option}')}"]
        # The right answer moves about (the validator warns when it sits in one position).
        right = ROTATION[(n - 1) % len(ROTATION)]
        right = right if right in options else options[-1]
        out += [f"    correct: [{right}]", f"    explanation: {text(f'Because {n}')}"]
    return "\n".join(out) + "\n"


def rubric_yaml(criteria: int = 3, levels: int = 3) -> str:
    out = ["criteria:"]
    for n in range(1, criteria + 1):
        out += [f"  - id: c{n}", f"    title: {text(f'Criterion {n}')}", "    levels:"]
        for points in range(levels):
            out += [
                f"      - points: {points}",
                f"        label: {text(f'Level {points}')}",
                f"        description: {text(f'Criterion {n} at level {points}')}",
            ]
    return "\n".join(out) + "\n"


def reviewer_yaml(criteria: int = 3, levels: int = 3, options: str = "AB") -> str:
    """A reviewer guide with notes for each homework option and an example at every level."""
    out = [f"general: {text('Look for the claim')}", "options:"]
    for option in options:
        out += [
            f"  - id: {option}",
            f"    title: {text(f'Option {option}')}",
            f"    notes: {text(f'Key points for option {option}')}",
        ]
    out.append("levels:")
    for n in range(1, criteria + 1):
        out += [f"  - criterion: c{n}", "    examples:"]
        for points in range(levels):
            out += [
                f"      - points: {points}",
                f"        example: {text(f'Example c{n} level {points}')}",
            ]
    return "\n".join(out) + "\n"


def captions(lang: str) -> str:
    return (
        "WEBVTT\n\n"
        f"1\n00:00:00.000 --> 00:00:04.000\nHello in {lang}.\n\n"
        f"2\n00:00:04.500 --> 00:00:09.000\n<v Aigerim>Second cue in {lang}.</v>\n"
    )


def write_course(root: Path, name: str = SLUG) -> Path:
    """Write the course into ``root/name`` and return its folder.

    01-intro has a video and everything in kk/ru/en; 02-sources has no video, no captions and
    its lesson and homework in ru and en only (kk falls back).
    """
    course = root / name
    files = {
        "course.yaml": course_yaml(),
        "01-intro/module.yaml": module_yaml("intro", VIDEO),
        "01-intro/quiz.yaml": quiz_yaml(),
        "01-intro/rubric.yaml": rubric_yaml(),
        "01-intro/reviewer.yaml": reviewer_yaml(),
        "02-sources/module.yaml": module_yaml("sources"),
        "02-sources/quiz.yaml": quiz_yaml(6, "abcd"),
        "02-sources/rubric.yaml": rubric_yaml(4, 2),
        "02-sources/reviewer.yaml": reviewer_yaml(4, 2),
    }
    for lang in ("kk", "ru", "en"):
        files[f"01-intro/lesson.{lang}.md"] = f"## Lesson ({lang})\n\nRead **this**.\n"
        files[f"01-intro/homework.{lang}.md"] = f"## Homework ({lang})\n\nDo it.\n"
        files[f"01-intro/captions.{lang}.vtt"] = captions(lang)
    for lang in ("ru", "en"):
        files[f"02-sources/lesson.{lang}.md"] = f"## Sources ({lang})\n\n| a | b |\n|---|---|\n"
        files[f"02-sources/homework.{lang}.md"] = f"Find a source ({lang}).\n"
    for relative, content in files.items():
        write(course, relative, content)
    return course


def write(course: Path, relative: str, content: str) -> Path:
    path = course / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def edit(course: Path, relative: str, old: str, new: str, count: int = 1) -> Path:
    """Replace ``old`` (which must be there) by ``new`` in one file of the course."""
    path = course / relative
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} not in {relative}"
    path.write_text(content.replace(old, new, count), encoding="utf-8")
    return path


def line_of(course: Path, relative: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of the file that contains ``needle``."""
    found = [
        n
        for n, line in enumerate((course / relative).read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert len(found) >= nth, f"{needle!r} not {nth} times in {relative}"
    return found[nth - 1]
