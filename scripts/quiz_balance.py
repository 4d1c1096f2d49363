"""How fair a course's quizzes are to a student who guesses by form rather than by content.

Usage: python scripts/quiz_balance.py [--detail] [COURSE_DIR]   (default: courses/fact-checking)

For every module and language it prints:

- longest: the questions where a correct option is the longest (ties count against the quiz:
  a student who always picks the longest option would not lose there);
- shortest: likewise for the shortest option, the opposite habit an over-corrected quiz
  rewards;
- spread: the median over questions of longest option / shortest option, in characters;
- the letters of the correct answers: of single-answer questions, and of multiple-answer ones.

With --detail, every question's option lengths per language too (``b*61``: option b, correct,
61 characters). Then the whole course: the same shares per language, and the letters of all
single-answer questions.

It exits 1 when, in some language, the correct option is the longest in more than a quarter
of a module's questions or of the course's, or the shortest in more than a third; or when one
letter holds more than 35% of the course's single-answer questions, or a letter a-d is never
the answer; or when two options of one quiz read the same in a language (a student, a screen
reader or a test that finds an option by its label could not tell them apart). Otherwise 0.

Only the standard library and PyYAML: it reads the files as an author sees them and does not
need the application.
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("kk", "ru", "en")
LONGEST_LIMIT = 0.25  # share of questions where the correct option may be the longest
SHORTEST_LIMIT = 1 / 3  # ... or the shortest
LETTER_LIMIT = 0.35  # share of single-answer questions one letter may hold

Question = dict[str, Any]


def load_questions(quiz: Path) -> list[Question]:
    data = yaml.safe_load(quiz.read_text(encoding="utf-8")) or {}
    return list(data.get("questions") or [])


def lengths(question: Question, lang: str) -> list[tuple[str, int, bool]]:
    """``(id, characters, correct)`` for each option in one language."""
    correct = set(question["correct"])
    return [
        (str(o["id"]), len(str(o["text"][lang]).strip()), o["id"] in correct)
        for o in question["options"]
    ]


def correct_is_longest(question: Question, lang: str) -> bool:
    rows = lengths(question, lang)
    right = max(n for _, n, ok in rows if ok)
    return all(right >= n for _, n, ok in rows if not ok)


def correct_is_shortest(question: Question, lang: str) -> bool:
    rows = lengths(question, lang)
    right = min(n for _, n, ok in rows if ok)
    return all(right <= n for _, n, ok in rows if not ok)


def spread(question: Question, lang: str) -> float:
    sizes = [n for _, n, _ in lengths(question, lang)]
    return max(sizes) / max(1, min(sizes))


def detail(question: Question, lang: str) -> str:
    return " ".join(f"{key}{'*' if ok else ''}{n}" for key, n, ok in lengths(question, lang))


def letters(counter: Counter[str]) -> str:
    return " ".join(f"{letter}={counter[letter]}" for letter in "abcde" if counter[letter]) or "–"


def repeated(questions: list[Question], lang: str) -> list[str]:
    """Option texts that appear more than once in one quiz, in one language."""
    seen = Counter(str(o["text"][lang]).strip() for q in questions for o in q["options"])
    return [text for text, n in seen.items() if n > 1]


def share(hits: list[str], total: int, limit: float) -> tuple[str, bool]:
    over = len(hits) > limit * total
    listed = ", ".join(hits) or "none"
    return f"{len(hits)}/{total} ({listed})" + (" <- too many" if over else ""), over


def main(argv: list[str]) -> int:
    args = [arg for arg in argv[1:] if arg != "--detail"]
    course = Path(args[0] if args else "courses/fact-checking")
    quizzes = sorted(course.glob("*/quiz.yaml"))
    if not quizzes:
        print(f"no */quiz.yaml under {course}")
        return 1
    failed = False
    total = 0
    longest: Counter[str] = Counter()
    shortest: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    for quiz in quizzes:
        questions = load_questions(quiz)
        total += len(questions)
        print(f"{quiz.parent.name}: {len(questions)} questions")
        for lang in LANGUAGES:
            long_hits = [q["id"] for q in questions if correct_is_longest(q, lang)]
            short_hits = [q["id"] for q in questions if correct_is_shortest(q, lang)]
            longest[lang] += len(long_hits)
            shortest[lang] += len(short_hits)
            long_text, long_over = share(long_hits, len(questions), LONGEST_LIMIT)
            short_text, short_over = share(short_hits, len(questions), SHORTEST_LIMIT)
            failed |= long_over or short_over
            median = statistics.median(spread(q, lang) for q in questions)
            print(f"  {lang}: correct longest {long_text}; shortest {short_text};")
            print(f"      median longest/shortest {median:.2f}")
            for text in repeated(questions, lang):
                failed = True
                print(f"      the option {text!r} appears more than once")
        if "--detail" in argv:
            for q in questions:
                print(f"    {q['id']}: " + " | ".join(detail(q, lang) for lang in LANGUAGES))
        single = Counter(q["correct"][0] for q in questions if len(q["correct"]) == 1)
        multi = Counter(x for q in questions if len(q["correct"]) > 1 for x in q["correct"])
        singles.update(single)
        print(f"  correct letters: single-answer {letters(single)}; multiple {letters(multi)}")
    print(f"course: {total} questions")
    for lang in LANGUAGES:
        long_over = longest[lang] > LONGEST_LIMIT * total
        short_over = shortest[lang] > SHORTEST_LIMIT * total
        failed |= long_over or short_over
        print(
            f"  {lang}: correct longest in {longest[lang]}/{total}"
            f" ({longest[lang] / max(1, total):.0%}){' <- too many' if long_over else ''};"
            f" shortest in {shortest[lang]}/{total}"
            f" ({shortest[lang] / max(1, total):.0%}){' <- too many' if short_over else ''}"
        )
    count = sum(singles.values())
    top = max(singles.values(), default=0) / max(1, count)
    unused = [letter for letter in "abcd" if not singles[letter]]
    failed |= top > LETTER_LIMIT or bool(unused)
    print(f"  single-answer correct letters ({count} questions): {letters(singles)}")
    print(f"  largest letter share {top:.0%}" + (f"; never the answer: {unused}" if unused else ""))
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
