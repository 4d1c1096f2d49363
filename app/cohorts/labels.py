"""How CSV enrolment names outcomes, reasons and file problems (translated when shown)."""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

OUTCOMES = {
    "new": _l("New account"),
    "existing": _l("Existing account"),
    "enrolled": _l("Already enrolled"),
    "error": _l("Error"),
}

REASONS = {
    "name_missing": _l("The name is empty."),
    "name_invalid": _l("The name is too long or contains invisible or control characters."),
    "email_missing": _l("The email address is empty."),
    "email_invalid": _l("The email address is not valid."),
    "formula": _l(
        "A cell starts with =, +, -, @ or a tab, like a spreadsheet formula; check the row."
    ),
    "duplicate": _l("The same email address is on row %(detail)s."),
    "language_unknown": _l("Unknown language “%(detail)s”: use kk, ru or en."),
    "other_cohort": _l("This person is already taking the course in another group."),
    "inactive": _l("This account is deactivated."),
}


def reason(code: str | None, detail=None) -> str:
    if not code:
        return ""
    return str(REASONS.get(code, code)) % {"detail": detail if detail is not None else ""}


def file_problem(code: str, details: dict) -> str:
    """The message for a file that cannot be read at all."""
    if code == "empty":
        return _("The file is empty.")
    if code == "columns":
        return _(
            "The file needs a header row with a name column and an email column "
            "(for example: name, email, language — or имя, почта, язык — or аты, пошта, тіл)."
        )
    if code == "too_many_rows":
        return _(
            "The file has more than %(limit)s rows. Split it into smaller files.",
            limit=format_number(details.get("limit", 0)),
        )
    if code == "encoding":
        message = _(
            "The file is not in UTF-8 (the problem is near line %(line)d). In Excel choose "
            "“CSV UTF-8”; in LibreOffice choose the “Unicode (UTF-8)” character set.",
            line=details.get("line", 0),
        )
        if details.get("cp1251"):
            message += " " + _("It looks like it was saved as Windows-1251 (Cyrillic).")
        return message
    return _(
        "The file is not a valid CSV (the problem is near line %(line)d).",
        line=details.get("line", 0),
    )
