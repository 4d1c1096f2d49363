"""The review queue page's labels, translated once per language (``app.page_text``), and its
rows as the page writes them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from app.datetime_format import formatter
from app.i18n import LANGUAGE_NAMES
from app.learning.content import pick
from app.page_text import page_text

TEXT = {
    "title": _l("Review queue"),
    "waiting_n": _l("Waiting: %(n)d"),
    "in_review_n": _l("In review: %(n)d"),
    "returned_n": _l("Returned: %(n)d"),
    "returned_more": _l("Returned: %(n)d+"),
    "accepted_n": _l("Accepted: %(n)d"),
    "accepted_more": _l("Accepted: %(n)d+"),
    "review_next": _l("Review next"),  # ClaimNextForm's button
    "filter": _l("Filter"),
    "status": _l("Status"),
    "module": _l("Module"),
    "all_modules": _l("All modules"),
    "language": _l("Language"),
    "all_languages": _l("All languages"),
    "waiting_at_least": _l("Waiting at least"),
    "apply": _l("Apply"),
    "nothing": _l("Nothing here."),
    "caption": _l("Submissions, oldest first"),
    "student": _l("Student"),
    "attempt": _l("Attempt"),
    "submitted": _l("Submitted"),
}

STATES = (
    ("waiting", _l("Waiting")),
    ("in_review", _l("In review")),
    ("returned", _l("Returned for revision")),
    ("accepted", _l("Accepted")),
)
WAITS = (("", _l("any time")), ("24", _l("1 day")), ("72", _l("3 days")), ("168", _l("7 days")))


def _options() -> dict[str, Any]:
    return {
        "states": [(value, str(label)) for value, label in STATES],
        "waits": [(value, str(label)) for value, label in WAITS],
        "late": pgettext("homework", "Late"),
    }


def queue_rows(rows: Iterable[Sequence[Any]], lang: str) -> list[tuple[Any, ...]]:
    """Each queue row (``QUEUE_COLUMNS``) as the table writes it: id, author, module, attempt,
    language, hand-in time, late. Made here once per row rather than through the template's
    calls (a full queue is fifty rows)."""
    when = formatter("short")
    return [
        (
            id_,
            name,
            f"{position}. {pick(title, lang)}",
            attempt,
            LANGUAGE_NAMES[language],
            when(submitted_at),
            late,
        )
        for id_, name, position, title, attempt, language, submitted_at, late in rows
    ]


def queue_texts() -> SimpleNamespace:
    return page_text("review.queue", TEXT, _options)
