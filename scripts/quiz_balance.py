"""How fair a course's quizzes are to a student who guesses by form rather than by content.

Usage: python scripts/quiz_balance.py [--detail] [COURSE_DIR]   (default: courses/fact-checking)

For every module and language it prints:

- longest: in how many questions a correct option is the longest (ties count against the
  quiz: a student picking "the longest" would not lose there);
- spread: the median over questions of longest option / shortest option, in characters;
- where the correct options sit: the letters of the single-answer questions' answers, and
  the letters used by the multiple-answer questions.

With --detail, every question's option lengths per language too (``b*61``: option b, correct,
61 characters). Then the whole course: the share of questions where the correct option is the
longest, per language, and the letters of all single-answer questions.

It exits 1 when, in some language, the correct option is the longest in more than a quarter of
a module's questions or of the course's, or when one letter holds more than 35% of the
course's single-answer questions, or a letter a-d is never the answer; otherwise 0.

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
LETTER_LIMIT = 0.35  # share of single-answer questions one letter may hold


def load_questions(quiz: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(quiz.read_text(encoding="utf-8")) or {}
    return list(data.get("questions") or [])


def correct_is_longest(question: dict[str, Any], lang: str) -> bool:
    correct = set(question["correct"])
    lengths = [(len(str(o["text"][lang]).strip()), o["id"] in correct) for o in question["options"]]
    best_right = max((n for n, right in lengths if right), default=0)
    best_wrong = max((n for n, right in lengths if not right), default=0)
    return best_right >= best_wrong


def spread(question: dict[str, Any], lang: str) -> float:
    lengths = [len(str(o["text"][lang]).strip()) for o in question["options"]]
    return max(lengths) / max(1, min(lengths))


def letters(counter: Counter[str]) -> str:
    return " ".join(f"{letter}={counter[letter]}" for letter in "abcde" if counter[letter]) or "–"


def detail(question: dict[str, Any], lang: str) -> str:
    correct = set(question["correct"])
    return " ".join(
        f"{o['id']}{'*' if o['id'] in correct else ''}{len(str(o['text'][lang]).strip())}"
        for o in question["options"]
    )


def main(argv: list[str]) -> int:
    args = [arg for arg in argv[1:] if arg != "--detail"]
    course = Path(args[0] if args else "courses/fact-checking")
    quizzes = sorted(course.glob("*/quiz.yaml"))
    if not quizzes:
        print(f"no */quiz.yaml under {course}")
        return 1
    total = 0
    failed = False
    longest_total: Counter[str] = Counter()
    single_total: Counter[str] = Counter()
    for quiz in quizzes:
        questions = load_questions(quiz)
        total += len(questions)
        single = Counter(q["correct"][0] for q in questions if len(q["correct"]) == 1)
        multi = Counter(x for q in questions if len(q["correct"]) > 1 for x in q["correct"])
        single_total.update(single)
        print(f"{quiz.parent.name}: {len(questions)} questions")
        for lang in LANGUAGES:
            hits = [q["id"] for q in questions if correct_is_longest(q, lang)]
            longest_total[lang] += len(hits)
            over = len(hits) > LONGEST_LIMIT * len(questions)
            failed |= over
            median = statistics.median(spread(q, lang) for q in questions)
            print(
                f"  {lang}: correct longest in {len(hits)}/{len(questions)}"
                f" ({', '.join(hits) or 'none'}); median longest/shortest {median:.2f}"
                + ("  <- over a quarter" if over else "")
            )
        if "--detail" in argv:
            for q in questions:
                print(f"    {q['id']}: " + " | ".join(detail(q, lang) for lang in LANGUAGES))
        print(f"  single-answer correct letters: {letters(single)}; multiple: {letters(multi)}")
    print(f"course: {total} questions")
    for lang in LANGUAGES:
        share = longest_total[lang] / max(1, total)
        failed |= share > LONGEST_LIMIT
        print(f"  {lang}: correct longest in {longest_total[lang]}/{total} ({share:.0%})")
    singles = sum(single_total.values())
    print(f"  single-answer correct letters ({singles} questions): {letters(single_total)}")
    top = max(single_total.values(), default=0) / max(1, singles)
    unused = [letter for letter in "abcd" if not single_total[letter]]
    failed |= top > LETTER_LIMIT or bool(unused)
    print(f"  largest letter share {top:.0%}" + (f"; never the answer: {unused}" if unused else ""))
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
