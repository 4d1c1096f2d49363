"""How the reports name module states and homework states (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MODULE_STATES = {
    "locked": _l("Locked"),
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
}

BACKLOG = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted, waiting for review"),
    "in_review": _l("In review"),
    "returned": _l("Returned for revision"),
    "accepted": _l("Accepted"),
}
