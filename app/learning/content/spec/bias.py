"""Answer patterns a student could exploit without reading: warnings for the quiz author.

- **Longest option**: in more than half of a quiz's questions the longest option (by
  characters, in one language) is a correct one, so "always pick the longest" passes.
- **One position**: half or more of the single-answer questions have their correct option in
  the same position ("always answer b"), or, across the course, a position is never correct.

Options are shuffled per attempt, but a printed quiz, a screenshot or a full reveal still shows
the author's order, and distractors that are visibly shorter give the answer away in any order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.learning.content import LANGS
from app.learning.content.spec.models import WARNING, CourseSpec, Problem, QuestionSpec

SHARE = 0.5  # more than this share of questions: "systematic"
MIN_QUESTIONS = 4  # fewer questions say nothing
MIN_FOR_UNUSED = 8  # questions that have a position before "never used" means something


def _letter(index: int) -> str:
    return chr(ord("a") + index)


def longest_is_correct(questions: Iterable[QuestionSpec], lang: str) -> tuple[int, int]:
    """(questions whose single longest option in ``lang`` is correct, questions counted)."""
    hits = counted = 0
    for q in questions:
        lengths = [len(o["text"].get(lang, "")) for o in q.options]
        if len(lengths) < 2 or not all(lengths):
            continue
        counted += 1
        top = max(lengths)
        if lengths.count(top) == 1 and q.options[lengths.index(top)]["id"] in q.correct:
            hits += 1
    return hits, counted


def positions(questions: Iterable[QuestionSpec]) -> tuple[Counter, Counter]:
    """For single-answer questions: how often each position is correct, and how many of the
    questions have that position at all."""
    correct: Counter = Counter()
    present: Counter = Counter()
    for q in questions:
        if len(q.correct) != 1:
            continue
        ids = [o["id"] for o in q.options]
        if q.correct[0] in ids:
            correct[ids.index(q.correct[0])] += 1
            present.update(range(len(ids)))
    return correct, present


def _longest_message(questions: list[QuestionSpec]) -> str | None:
    found = []
    for lang in LANGS:
        hits, counted = longest_is_correct(questions, lang)
        if counted >= MIN_QUESTIONS and hits > SHARE * counted:
            found.append(f"{hits} of {counted} ({lang})")
    if not found:
        return None
    return (
        "the correct option is the longest in " + ", ".join(found) + " questions; "
        "make the options similar in length"
    )


def _position_messages(questions: list[QuestionSpec], *, unused: bool) -> list[str]:
    correct, present = positions(questions)
    single = sum(correct.values())
    messages = []
    if single >= MIN_QUESTIONS:
        index, count = correct.most_common(1)[0]
        if count >= SHARE * single:
            messages.append(
                f"the correct option is '{_letter(index)}' (position {index + 1}) in {count} "
                f"of {single} single-answer questions; vary its position"
            )
    if unused:
        never = [i for i in sorted(present) if present[i] >= MIN_FOR_UNUSED and not correct[i]]
        if never:
            letters = ", ".join(f"'{_letter(i)}'" for i in never)
            messages.append(
                f"no single-answer question has its correct option in position {letters} "
                f"({single} questions)"
            )
    return messages


def check_quizzes(spec: CourseSpec) -> None:
    """Warn, per module (on its quiz.yaml) and for the whole course (on course.yaml)."""
    for module in spec.modules:
        messages = [
            _longest_message(module.questions),
            *_position_messages(module.questions, unused=False),
        ]
        path = str(spec.path / module.folder / "quiz.yaml")
        spec.problems.extend(Problem(path, None, m, WARNING) for m in messages if m)
    everything = [q for module in spec.modules for q in module.questions]
    messages = [_longest_message(everything), *_position_messages(everything, unused=True)]
    path = str(spec.path / "course.yaml")
    spec.problems.extend(
        Problem(path, None, f"across the course: {m}", WARNING) for m in messages if m
    )
