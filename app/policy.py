"""The one access policy: roles, predicates, and the decorators that declare each route's rule.

Every view must declare who may reach it (``public``, ``login_required`` or ``role_required``).
``enforce_declared_access`` runs before every request and refuses any endpoint that declared
nothing, so a route added without a rule is closed, not open. The same predicates are exposed
to templates, so a hidden button and a 403 never disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.audit.services import record_denied

if TYPE_CHECKING:
    from app.auth.models import User


class Role(enum.StrEnum):
    STUDENT = "student"
    REVIEWER = "reviewer"
    ADMIN = "admin"


# A view function: its arguments and answer are Flask's business, not the policy's.
View = Callable[..., Any]
V = TypeVar("V", bound=View)

ACCESS_ATTR = "_tekser_access"
PUBLIC = "public"
LOGIN = "login"


def has_role(user: User | Any, role: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)


def is_admin(user: User | Any) -> bool:
    return has_role(user, Role.ADMIN)


def is_staff(user: User | Any) -> bool:
    """Reviewers and admins: people who see other people's work (within their cohorts)."""
    return has_role(user, Role.ADMIN) or has_role(user, Role.REVIEWER)


def _mark(view: V, rule: object) -> V:
    setattr(view, ACCESS_ATTR, rule)
    return view


def public(view: V) -> V:
    """Anyone may reach this route, signed in or not."""
    return _mark(view, PUBLIC)


def _deny_anonymous() -> Response:
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: View) -> View:
    """Any signed-in, active user."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _deny_anonymous()
        return view(*args, **kwargs)

    return _mark(wrapped, LOGIN)


def role_required(*roles: Role) -> Callable[[View], View]:
    """A signed-in user holding at least one of ``roles``; others get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _deny_anonymous()
            if not any(current_user.has_role(role) for role in roles):
                deny(f"role required: {','.join(roles)}")
            return view(*args, **kwargs)

        return _mark(wrapped, tuple(roles))

    return decorator


def deny(reason: str) -> None:
    """Refuse the request with 403 and record the attempt in the audit log. For a refusal
    that is about one object (someone else's work, another cohort), use ``conceal``."""

    record_denied(reason)
    abort(403)


def conceal(reason: str) -> None:
    """Refuse access to an object the user may not see as if it did not exist: 404, the same
    answer as for a missing id (so ids cannot be probed), and recorded in the audit log like
    any other refusal."""

    record_denied(reason)
    abort(404)


def access_rule(endpoint: str) -> object | None:
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(view, ACCESS_ATTR, None)


def enforce_declared_access() -> None:
    """``before_request``: an endpoint without a declared rule is never served."""
    endpoint = request.endpoint
    if endpoint is None:  # 404 / 405: let Flask answer
        return
    if access_rule(endpoint) is None:
        current_app.logger.error("route %s declares no access rule; refused", endpoint)
        abort(403)


def template_helpers() -> dict[str, object]:
    """The roles and role helpers as Jinja globals; the app factory adds every domain's
    predicates next to them (``app._register_templates``: this module sits below the domains,
    whose policies import it), so a page asks the very function its route asks."""
    return {"Role": Role, "has_role": has_role, "is_admin": is_admin, "is_staff": is_staff}
