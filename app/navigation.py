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
from markupsafe import Markup, escape

from app.policy import Role, has_role, is_admin
from app.worker_cache import kept

CSRF_MARK = "tekser-nav-csrf-token"


def signed_in_nav(unread: int) -> Markup:
    reviewer = has_role(current_user, Role.REVIEWER)
    admin = is_admin(current_user)
    notices_page = request.endpoint == "homework.notices"
    key = (request.script_root, str(get_locale()), reviewer, admin, unread, notices_page)
    html = kept(
        "tekser.nav",
        key,
        lambda: current_app.jinja_env.get_template("_nav.html").render(
            reviewer=reviewer, admin=admin, unread=unread, notices_page=notices_page, csrf=CSRF_MARK
        ),
    )
    return Markup(html.replace(CSRF_MARK, generate_csrf()))  # noqa: S704 (our own template)


# The page's chrome (issue 19): the head's links, the header with the language switcher, and
# the footer change only with the language and whether someone is signed in, apart from the
# switcher's CSRF token and the address it returns to. Each worker renders each variant once
# (about a sixth of a small page: URL building, translations, two includes) and puts those in.
NEXT_MARK = "tekser-chrome-next"
CHROME_PARTS = {
    "head": "_chrome_head.html",
    "header": "_chrome_header.html",
    "foot": "_chrome_footer.html",
}


def _chrome(part: str, signed_in: bool = False) -> str:
    locale = str(get_locale())
    return kept(
        "tekser.chrome",
        (part, request.script_root, locale, signed_in),
        lambda: current_app.jinja_env.get_template(CHROME_PARTS[part]).render(
            csrf=CSRF_MARK, switcher_next=NEXT_MARK, signed_in=signed_in, current_locale=locale
        ),
    )


def chrome_head() -> Markup:
    return Markup(_chrome("head"))  # noqa: S704 (our own template)


def chrome_header(next_path: str) -> Markup:
    html = _chrome("header").replace(NEXT_MARK, str(escape(next_path)), 1)
    return Markup(html.replace(CSRF_MARK, generate_csrf(), 1))  # noqa: S704 (our own template)


def chrome_footer(signed_in: bool) -> Markup:
    return Markup(_chrome("foot", signed_in))  # noqa: S704 (our own template)
