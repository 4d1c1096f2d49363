"""How the reports name module states and homework states (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.homework.models import Status
from app.reports.stats import BACKLOG_STATES

MODULE_STATES = {
    "locked": _l("Locked"),
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
}

# The homework states, in the dashboard's order, named as the status enum names them.
BACKLOG = {state: Status(state).label for state in BACKLOG_STATES}
