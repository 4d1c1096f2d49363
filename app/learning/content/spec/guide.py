"""The reviewer guide of a module, ``reviewer.yaml``: for reviewers only (courses/FORMAT.md).

Key points or a model answer per homework option, and a short example at each rubric level.
Every criterion and level the guide names must exist in the module's rubric; a level without
an example is a warning.
"""

from __future__ import annotations

from app.learning.content import yamlines
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import ModuleSpec


def read_guide(f: SourceFile, module: ModuleSpec) -> None:
    """Read ``reviewer.yaml`` into ``module.reviewer_guide`` (after the rubric: it refers to it)."""
    data = f.load_mapping()
    if data is None:
        return
    f.keys(data, ("options", "levels"), ("general",))
    guide: dict = {"general": f.text(data, "general", "general"), "options": [], "levels": {}}
    options = f.sequence(data, "options", "options") or yamlines.LineList()
    seen: dict[str, int] = {}
    for index, item in enumerate(options):
        what = f"option {index + 1}"
        option = f.mapping(item, options.line_of(index), what)
        if option is None:
            continue
        key = f.identifier(option, "id", f"{what}: id")
        f.keys(option, ("id", "title", "notes"), where=f"option {key or index + 1}")
        if key in seen:
            f.error(
                option.line_of("id"), f"duplicate option id '{key}' (first on line {seen[key]})"
            )
            continue
        seen[key] = option.line_of("id")
        where = f"option {key}: "
        guide["options"].append(
            {
                "id": key,
                "title": f.text(option, "title", f"{where}title"),
                "notes": f.text(option, "notes", f"{where}notes"),
            }
        )
    if "options" in data and isinstance(data["options"], list) and not options:
        f.error(data.line_of("options"), "options lists nothing; give each homework option")
    guide["levels"] = _read_levels(f, data, module)
    module.reviewer_guide = guide


def _read_levels(f: SourceFile, data: yamlines.LineDict, module: ModuleSpec) -> dict:
    rubric = {c.key: {level["points"] for level in c.levels} for c in module.criteria}
    # A criterion whose own levels are broken is reported in rubric.yaml; its examples are
    # not judged against it (one mistake, one message).
    broken = {
        c.key
        for c in module.criteria
        if len(rubric[c.key]) != len(c.levels) or None in rubric[c.key]
    }
    listed = f.sequence(data, "levels", "levels")
    items = listed if listed is not None else yamlines.LineList()
    found: dict[str, dict[str, dict]] = {}
    for index, item in enumerate(items):
        entry = f.mapping(item, items.line_of(index), f"levels item {index + 1}")
        if entry is None:
            continue
        f.keys(entry, ("criterion", "examples"), where=f"levels item {index + 1}")
        key = entry.get("criterion")
        line = entry.line_of("criterion")
        if key not in rubric:
            known = ", ".join(rubric) or "none"
            f.error(line, f"criterion {key!r} is not in the rubric (criteria: {known})")
            continue
        if key in found:
            f.error(line, f"criterion '{key}' has examples twice")
            continue
        found[key] = _read_examples(f, entry, key, rubric[key], key in broken)
    if listed is not None:
        for key, points in rubric.items():
            if key in broken:
                continue
            missing = sorted(
                p for p in points if p is not None and str(p) not in found.get(key, {})
            )
            if missing:
                f.warn(
                    data.line_of("levels"),
                    f"criterion '{key}' has no example for level(s) with points "
                    f"{', '.join(map(str, missing))}",
                )
    return found


def _read_examples(
    f: SourceFile, entry: yamlines.LineDict, key: str, levels: set, broken: bool
) -> dict:
    examples = f.sequence(entry, "examples", f"criterion {key}: examples") or yamlines.LineList()
    found: dict[str, dict] = {}
    for index, item in enumerate(examples):
        at = f"criterion {key}: example {index + 1}"
        example = f.mapping(item, examples.line_of(index), at)
        if example is None:
            continue
        f.keys(example, ("points", "example"), where=at)
        points = example.get("points")
        if not broken and (points not in levels or isinstance(points, bool)):
            shown = ", ".join(str(p) for p in sorted(p for p in levels if p is not None))
            f.error(
                example.line_of("points"),
                f"{at}: criterion '{key}' has no level with points {points!r} (levels: {shown})",
            )
            continue
        if str(points) in found:
            f.error(example.line_of("points"), f"{at}: level {points} has an example already")
            continue
        found[str(points)] = f.text(example, "example", f"{at}: example")
    return found
