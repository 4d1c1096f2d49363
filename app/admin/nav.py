"""The admin console's navigation, rendered once per variant and kept (issue 19).

Every admin page opens with the same links; they only change with the language, whether the
user is an admin, and which page is current. Building them (six URLs, seven translations) cost
as much as a small page's own content; each worker keeps each variant's HTML, as the signed-in
navigation does (``app.navigation``).
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app.policy import is_admin
from app.worker_cache import kept

MAX_VARIANTS = 200


def admin_nav_html(active: str = "") -> Markup:
    admin = is_admin(current_user)
    key = (request.script_root, str(get_locale()), admin, active)
    return kept(
        "tekser.admin_nav",
        key,
        lambda: Markup(  # noqa: S704 (our own template)
            current_app.jinja_env.get_template("admin/_nav.html").render(admin=admin, active=active)
        ),
        MAX_VARIANTS,
    )
