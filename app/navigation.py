"""The signed-in navigation, rendered once per variant and kept (issue 19).

Every signed-in page carries the same navigation: a dozen links and labels that only change with
the language, the user's roles, the unread-notice count and whether the page is the notices
list. Rendering it (URL building, translations) cost about a fifth of a small page; each worker
keeps each variant's HTML and only puts in the request's CSRF token.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.policy import Role, has_role, is_admin

CSRF_MARK = "tekser-nav-csrf-token"
MAX_VARIANTS = 1000


def signed_in_nav(unread: int) -> Markup:
    reviewer = has_role(current_user, Role.REVIEWER)
    admin = is_admin(current_user)
    notices_page = request.endpoint == "homework.notices"
    key = (request.script_root, str(get_locale()), reviewer, admin, unread, notices_page)
    kept: dict[tuple[object, ...], str] = current_app.extensions.setdefault("tekser.nav", {})
    html = kept.get(key)
    if html is None:
        html = current_app.jinja_env.get_template("_nav.html").render(
            reviewer=reviewer, admin=admin, unread=unread, notices_page=notices_page, csrf=CSRF_MARK
        )
        if len(kept) >= MAX_VARIANTS:
            kept.clear()
        kept[key] = html
    return Markup(html.replace(CSRF_MARK, generate_csrf()))  # noqa: S704 (our own template)
