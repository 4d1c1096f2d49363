"""One source file being read, and the checks that report its problems with their lines."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from app.learning.content import LANGS, yamlines
from app.learning.content.spec.models import (
    ERROR,
    ID_RE,
    SLUG_RE,
    WARNING,
    Problem,
    Text,
)


class SourceFile:
    """One file being read: where it is, and the checks that report into the shared list."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message, ERROR))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message, WARNING))

    def read(self) -> str | None:
        if not self.path.is_file():
            self.error(None, "the file is missing")
            return None
        try:
            return self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.error(None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None

    def load_mapping(self) -> yamlines.LineDict | None:
        text = self.read()
        if text is None:
            return None
        data, issues = yamlines.load(text)
        for line, message in issues:
            self.error(line, message)
        if data is None and issues:
            return None
        return self.mapping(data, 1, "the file")

    def mapping(self, value: Any, line: int, what: str) -> yamlines.LineDict | None:
        if isinstance(value, yamlines.LineDict):
            return value
        self.error(line, f"{what} must be a mapping of keys to values")
        return None

    def keys(self, data: yamlines.LineDict, required: tuple, optional: tuple = (), where=""):
        prefix = f"{where}: " if where else ""
        for key in required:
            if key not in data:
                self.error(data.line, f"{prefix}missing key '{key}'")
        for key in data:
            if key not in required and key not in optional:
                close = difflib.get_close_matches(str(key), [*required, *optional], n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(data.line_of(key), f"{prefix}unknown key '{key}'{hint}")

    def sequence(self, data: yamlines.LineDict, key: str, what: str) -> yamlines.LineList | None:
        value = data.get(key)
        if value is None and key not in data:
            return None  # reported as a missing key
        if not isinstance(value, yamlines.LineList):
            self.error(data.line_of(key), f"{what} must be a list")
            return None
        return value

    def text(self, data: yamlines.LineDict, key: str, what: str) -> Text:
        """A translated text ``{kk, ru, en}``: errors if unusable, a warning if ``en`` is absent."""
        if key not in data:
            return {}
        value, line = data[key], data.line_of(key)
        if not isinstance(value, yamlines.LineDict):
            self.error(line, f"{what} must be a text: a mapping {{kk: ..., ru: ..., en: ...}}")
            return {}
        found: Text = {}
        for lang, item in value.items():
            if lang not in LANGS:
                self.error(value.line_of(lang), f"{what}: unknown language '{lang}' (kk, ru, en)")
            elif not isinstance(item, str) or not item.strip():
                self.error(value.line_of(lang), f"{what}: '{lang}' must be non-empty text")
            else:
                found[lang] = item.strip()
        if not found:
            self.error(line, f"{what} has no text in any language")
        elif "en" not in found:
            self.warn(line, f"{what} has no English (en) text")
        return {lang: found[lang] for lang in LANGS if lang in found}

    def identifier(self, data: yamlines.LineDict, key: str, what: str, pattern=ID_RE) -> str:
        if key not in data:
            return ""
        value = data[key]
        if not isinstance(value, str) or not pattern.match(value):
            self.error(data.line_of(key), f"{what} {value!r} is not valid: {_RULES[pattern]}")
            return ""
        return value

    def number(self, data, key: str, what: str, low: float, high: float, kind=(int,)) -> Any:
        value = data.get(key)
        ok = isinstance(value, kind) and not isinstance(value, bool) and low <= value <= high
        if key in data and not ok:
            self.error(data.line_of(key), f"{what} must be a number from {low} to {high}")
        return value if ok else None


_RULES = {
    SLUG_RE: "use a-z, 0-9 and single '-' (like fact-checking), at most 64 characters",
    ID_RE: "use letters, digits, '_' or '-', at most 32 characters (quote numbers: '1')",
}
