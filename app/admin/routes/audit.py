"""The audit log: read-only, filtered by actor, action and date, newest first."""

from __future__ import annotations

from flask import abort, render_template, request

from app.admin import auditlog, bp
from app.audit.events import detail_items, event_label, target_label
from app.policy import Role, role_required


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    try:
        filters = auditlog.AuditFilter.parse(request.args)
    except auditlog.BadFilter:
        abort(400)
    rows, total, page, pages = auditlog.events(filters)
    return render_template(
        "admin/audit.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        actions=auditlog.known_actions(),
        event_label=event_label,
        target_label=target_label,
        detail_items=detail_items,
        categories=auditlog.CATEGORIES,
    )
