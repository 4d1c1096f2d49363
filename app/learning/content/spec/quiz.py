"""The quiz (questions, options, correct answers) and the rubric (criteria and levels)."""

from __future__ import annotations

from dataclasses import dataclass

from app.learning.content import yamlines
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import CriterionSpec, ModuleSpec, QuestionSpec


@dataclass(frozen=True)
class _Listed:
    """A list of things with ids: its key, how many it should hold, the keys of each item."""

    key: str
    noun: str
    owner: str  # what holds the list, for messages
    fields: tuple[str, ...]  # besides "id"
    minimum: int  # fewer is an error
    low: int  # outside low..high is a warning
    high: int

    def count(self, items: list) -> str:
        return f"{len(items)} {self.noun if len(items) == 1 else self.key}"


QUESTIONS = _Listed(
    "questions", "question", "a quiz", ("text", "options", "correct", "explanation"), 1, 5, 8
)
OPTIONS = _Listed("options", "option", "a question", ("text",), 2, 3, 5)
CRITERIA = _Listed("criteria", "criterion", "a rubric", ("title", "levels"), 1, 3, 5)


def _items(f: SourceFile, parent: yamlines.LineDict, rule: _Listed, prefix: str = "") -> list:
    """``(id, mapping)`` for each item listed under ``parent[rule.key]`` with a valid id of its
    own, checking on the way the list's size, every item's keys, and that no id is used twice."""
    items = f.sequence(parent, rule.key, f"{prefix}{rule.key}")
    if items is None:
        return []
    line = parent.line_of(rule.key)
    if len(items) < rule.minimum:
        f.error(line, f"{prefix}{rule.count(items)}; {rule.owner} needs at least {rule.minimum}")
    elif not rule.low <= len(items) <= rule.high:
        f.warn(
            line, f"{prefix}{rule.count(items)}; {rule.owner} should have {rule.low} to {rule.high}"
        )
    found: list[tuple[str, yamlines.LineDict]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        what = f"{prefix}{rule.noun} {index + 1}"
        mapping = f.mapping(item, items.line_of(index), what)
        if mapping is None:
            continue
        ident = f.identifier(mapping, "id", f"{what}: id")
        f.keys(mapping, ("id", *rule.fields), where=f"{prefix}{rule.noun} {ident or index + 1}")
        if ident in seen:
            f.error(
                mapping.line_of("id"),
                f"{prefix}duplicate {rule.noun} id '{ident}' (first on line {seen[ident]})",
            )
        elif ident:
            seen[ident] = mapping.line_of("id")
            found.append((ident, mapping))
    return found


def read_quiz(f: SourceFile, module: ModuleSpec) -> None:
    data = f.load_mapping()
    if data is None:
        return
    f.keys(data, ("questions",))
    for key, question in _items(f, data, QUESTIONS):
        where = f"question {key}: "
        options = _items(f, question, OPTIONS, where)
        module.questions.append(
            QuestionSpec(
                key,
                f.text(question, "text", f"{where}text"),
                [{"id": k, "text": f.text(o, "text", f"{where}option {k}")} for k, o in options],
                _read_correct(f, question, where, [k for k, _ in options]),
                f.text(question, "explanation", f"{where}explanation"),
            )
        )


def _read_correct(
    f: SourceFile, question: yamlines.LineDict, where: str, ids: list[str]
) -> list[str]:
    if "correct" not in question:
        return []
    value, line = question["correct"], question.line_of("correct")
    if not isinstance(value, yamlines.LineList):
        f.error(line, f"{where}correct must be a list of option ids, like [b]")
        return []
    if not value:
        f.error(line, f"{where}correct is empty; name at least one option")
    # Without a readable options list every id would look wrong; that list is reported instead.
    check = isinstance(question.get("options"), list)
    correct: list[str] = []
    for index, key in enumerate(value):
        if key in correct:
            f.error(value.line_of(index), f"{where}correct names option '{key}' twice")
        elif check and key not in ids:
            f.error(
                value.line_of(index),
                f"{where}correct names option {key!r}, which does "
                f"not exist (options: {', '.join(ids) or 'none'})",
            )
        else:
            correct.append(key)
    return correct


def read_rubric(f: SourceFile, module: ModuleSpec) -> None:
    data = f.load_mapping()
    if data is None:
        return
    f.keys(data, ("criteria",))
    for key, criterion in _items(f, data, CRITERIA):
        where = f"criterion {key}: "
        title = f.text(criterion, "title", f"{where}title")
        module.criteria.append(CriterionSpec(key, title, _read_levels(f, criterion, where)))


def _read_levels(f: SourceFile, criterion: yamlines.LineDict, where: str) -> list[dict]:
    items = f.sequence(criterion, "levels", f"{where}levels")
    if items is None:
        return []
    if not 2 <= len(items) <= 4:
        count = f"{len(items)} level{'s' * (len(items) != 1)}"
        f.error(criterion.line_of("levels"), f"{where}{count}; a criterion needs 2 to 4")
    levels: list[dict] = []
    previous = None
    for index, item in enumerate(items):
        at = f"{where}level {index + 1}"
        level = f.mapping(item, items.line_of(index), at)
        if level is None:
            continue
        f.keys(level, ("points", "label", "description"), where=at)
        points = f.number(level, "points", f"{at}: points", 0, 1000)
        if points is not None and previous is not None and points <= previous:
            f.error(
                level.line_of("points"),
                f"{at}: points must rise strictly from the "
                f"weakest level to the strongest ({points} after {previous})",
            )
        previous = points if points is not None else previous
        levels.append(
            {
                "points": points,
                "label": f.text(level, "label", f"{at}: label"),
                "description": f.text(level, "description", f"{at}: description"),
            }
        )
    return levels
