"""The access policy, across the whole app.

Every route must declare its rule (``public``, ``login_required``, ``role_required``), and every
endpoint must appear in some access matrix (this file's ``MATRIX`` or a domain's ``ENDPOINTS``),
so a new route cannot be added without deciding and testing who may use it.
"""

import importlib
import pkgutil

import pytest

import tests
from app.policy import ACCESS_ATTR, PUBLIC, Role

# endpoint: (method, url, anonymous, student, reviewer, admin) -> expected status codes
MATRIX = {
    "pages.index": ("GET", "/", 200, 200, 200, 200),
    "ops.healthz": ("GET", "/healthz", 200, 200, 200, 200),
    "pages.set_language": ("POST", "/language", 302, 302, 302, 302),
    "auth.login": ("GET", "/login", 200, 302, 302, 302),
    "auth.register": ("GET", "/register", 200, 302, 302, 302),
    "auth.check_email": ("GET", "/register/check-email", 200, 200, 200, 200),
    "auth.confirm_email": ("GET", "/confirm/any-token", 200, 200, 200, 200),
    "auth.forgot_password": ("GET", "/forgot-password", 200, 200, 200, 200),
    "auth.reset_password": ("GET", "/reset-password/bad", 400, 400, 400, 400),
    "auth.logout": ("POST", "/logout", 302, 302, 302, 302),
    "auth.account": ("GET", "/account", 302, 200, 200, 200),
    "auth.change_password": ("GET", "/account/password", 302, 200, 200, 200),
    "learning.dashboard": ("GET", "/dashboard", 302, 200, 200, 200),
    "teaching.announcements": ("GET", "/announcements", 302, 200, 200, 200),
    "static": ("GET", "/static/css/tekser.css", 200, 200, 200, 200),
}


def all_covered_endpoints() -> set[str]:
    covered = set(MATRIX)
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.endswith("test_access") and info.name != __name__:
            module = importlib.import_module(info.name)
            covered |= set(getattr(module, "ENDPOINTS", ()))
    return covered


def concealing_endpoints() -> set[str]:
    found: set[str] = set()
    for info in pkgutil.walk_packages(tests.__path__, "tests."):
        if info.name.endswith("test_access") and info.name != __name__:
            found |= set(getattr(importlib.import_module(info.name), "CONCEALS", ()))
    return found


def test_every_route_by_id_answers_like_a_missing_id_when_refused(app):
    """A route that loads an object by id, open to anyone but admins, has a test (a domain's
    ``CONCEALS``) that someone else's object gets the same answer as an id that does not exist,
    so ids cannot be probed. Admin-only routes refuse by role; public ones refuse nobody."""
    by_id = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if any(name.endswith("_id") for name in rule.arguments)
        and getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, None)
        not in ((Role.ADMIN,), PUBLIC)
    }
    assert sorted(by_id - concealing_endpoints()) == []


def test_every_route_declares_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, None) is None
    ]
    assert missing == []


def test_every_route_is_in_an_access_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - all_covered_endpoints()) == []


def test_a_route_without_a_rule_is_refused(app_factory):
    app = app_factory()

    @app.route("/forgotten")
    def forgotten():
        return "secret"

    assert app.test_client().get("/forgotten").status_code == 403


WHO = ["anonymous", Role.STUDENT, Role.REVIEWER, Role.ADMIN]


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_access_matrix(check_access, make_user, endpoint, who):
    method, url, *expected = MATRIX[endpoint]
    person = None if who == "anonymous" else make_user(who)
    # A redirect is a "log in first" only where a signed-in student gets the page.
    check_access(method, url, person, expected[WHO.index(who)], to_login=expected[1] == 200)
