"""The students' page of announcements (the staff screens are in the admin console)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from app.policy import login_required
from app.teaching import bp, services


@bp.route("/announcements")
@login_required
def announcements():
    """The announcements of the cohorts the user studies in, newest first, in their language."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        abort(400)
    number = int(page)
    rows = services.for_student(
        current_user.id,
        str(get_locale()),
        limit=services.PAGE + 1,
        offset=(number - 1) * services.PAGE,
    )
    return render_template(
        "teaching/announcements.html",
        rows=rows[: services.PAGE],
        more=len(rows) > services.PAGE,
        page=number,
    )
