"""scripts/quiz_balance.py: a quiz that a student could pass by the form of its options fails it,
and the bundled course passes it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.learning.course_fixture import write_course

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "quiz_balance.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def option(key: str, kk: str, ru: str, en: str) -> str:
    return f'      - id: {key}\n        text: {{kk: "{kk}", ru: "{ru}", en: "{en}"}}\n'


def question(key: str, correct: str, options: str) -> str:
    return (
        f"  - id: {key}\n    text: {{kk: q, ru: q, en: q}}\n    options:\n{options}"
        f"    correct: [{correct}]\n    explanation: {{kk: e, ru: e, en: e}}\n"
    )


def test_the_bundled_course_is_balanced():
    result = run("--detail", str(ROOT / "courses" / "fact-checking"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith("OK")
    for lang in ("kk", "ru", "en"):
        assert f"  {lang}: correct longest in " in result.stdout
    assert "never the answer" not in result.stdout


def test_the_same_letter_every_time_and_equal_options_fail(tmp_path):
    course = write_course(tmp_path)
    options = "".join(option(k, "x", "x", "x") for k in "abcd")  # all of the same length
    quiz = "questions:\n" + "".join(question(f"q{n}", "b", options) for n in range(1, 6))
    for folder in course.iterdir():  # every answer is b
        if (folder / "quiz.yaml").is_file():
            (folder / "quiz.yaml").write_text(quiz, encoding="utf-8")
    result = run(str(course))
    assert result.returncode == 1
    assert "largest letter share 100%" in result.stdout
    assert "never the answer: ['a', 'c', 'd']" in result.stdout
    assert "correct longest 5/5 (q1, q2, q3, q4, q5) <- too many" in result.stdout
    assert result.stdout.rstrip().endswith("FAIL")


def test_the_longest_and_the_shortest_correct_option_are_both_reported(tmp_path):
    quiz = "questions:\n"
    letters = "abcd"
    for n in range(1, 9):
        answer = letters[n % 4]
        options = ""
        for key in letters:
            size = {1: 30, 2: 5}.get(n, 12) if key == answer else 10 + letters.index(key) % 3
            options += option(key, "k" * size, "r" * size, "e" * size)
        quiz += question(f"q{n}", answer, options)
    (tmp_path / "01-m").mkdir()
    (tmp_path / "01-m" / "quiz.yaml").write_text(quiz, encoding="utf-8")
    result = run("--detail", str(tmp_path))
    assert "correct longest 7/8 (q1, q3, q4, q5, q6, q7, q8) <- too many" in result.stdout
    assert "shortest 1/8 (q2);" in result.stdout
    assert "q1: a10 b*30 c12 d10" in result.stdout
    assert result.returncode == 1


def test_a_repeated_option_fails(tmp_path):
    quiz = "questions:\n"
    for n, answer in enumerate("abcd", 1):
        options = "".join(
            option(key, f"kk {n}{key}", "Сатира" if key == "d" else f"ru {n}{key}", f"{n}{key}")
            for key in "abcd"
        )
        quiz += question(f"q{n}", answer, options)
    (tmp_path / "01-m").mkdir()
    (tmp_path / "01-m" / "quiz.yaml").write_text(quiz, encoding="utf-8")
    result = run(str(tmp_path))
    assert "the option 'Сатира' appears more than once" in result.stdout
    assert result.returncode == 1
