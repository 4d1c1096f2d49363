"""Case-insensitive search for Kazakh, Russian and English names, on SQLite and PostgreSQL.

SQLite's ``lower()`` folds only ASCII, and PostgreSQL's follows the database's locale (under
``C`` it is ASCII-only too), so the fold is done once in Python: every account stores
``search_name = fold(name)`` and a search compares it with ``fold(query)``. See
docs/decisions/0010-case-insensitive-name-search.md."""

from __future__ import annotations

import unicodedata

# Russian search treats ё as е (people type either); folded the same way on both sides.
_EXTRA = str.maketrans({"ё": "е"})


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded text: "ӘЛИЯ", "Әлия" and "әлия" fold alike."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.translate(_EXTRA)


def contains_pattern(text: str) -> str:
    """A ``LIKE`` pattern (escape ``\\``) matching folded values that contain ``text``."""
    folded = fold(text)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
