"""The platform's languages, defined once: the interface catalogues, course content and its
fallback, certificates, command-line choices and the database's ``CheckConstraint``s all read
this list (ADR 0014). Nothing here imports the rest of the app, so ``config`` may import it."""

from __future__ import annotations

# Kazakh first: the course's first language and the default of a new cohort.
LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")

# The order course content falls back along when a piece is missing in the wanted language.
FALLBACK: tuple[str, ...] = LANGUAGES


def fallback_order(lang: str) -> list[str]:
    """The wanted language, then on along ``FALLBACK`` (kk → ru → en), then back
    (ru → en → kk; en → ru → kk). An unknown language gets ``FALLBACK`` as it is."""
    if lang not in FALLBACK:
        return list(FALLBACK)
    i = FALLBACK.index(lang)
    return list(FALLBACK[i:]) + list(reversed(FALLBACK[:i]))


def sql_in(column: str) -> str:
    """The SQL condition "``column`` is one of the languages", for a ``CheckConstraint``:
    ``sql_in("lang")`` is ``lang IN ('kk', 'ru', 'en')``, the text the migrations hold.

    Adding a language changes this text: write a migration that replaces the constraints
    (``ck_user_locale_known``, ``ck_cohort_locale_known``, ``ck_certificate_lang_known``)."""
    if not column.isidentifier():
        raise ValueError(f"not a column name: {column!r}")
    quoted = ", ".join(f"'{code}'" for code in LANGUAGES)
    return f"{column} IN ({quoted})"
