"""axe-core (WCAG 2.0/2.1 A and AA) on the public and admin page types in kk, ru and en, chosen
through the language switcher. The journeys scan the student and reviewer pages in their own
language (Kazakh and Russian; the admin journey in English)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, check_accessibility

pytestmark = pytest.mark.e2e
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
PUBLIC = ["/", "/login", "/register", "/forgot-password", "/verify"]
ADMIN = ["/admin/", "/admin/users", "/admin/audit", "/admin/mail", "/admin/cohorts/new"]


@pytest.fixture(scope="module")
def own_admin(live_server) -> str:
    """An admin of this test's own: switching language also changes the account's language,
    which the journeys' admin must keep (English)."""
    live_server.flask(
        "users", "create", "--email", "axe@example.org", "--name", "Axe", "--password",
        DEMO_PASSWORD, "--role", "admin", "--locale", "en",
    )  # fmt: skip
    return "axe@example.org"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_pages_have_no_axe_violations(live_server, phone, own_admin, lang):
    page = phone(locale="en")
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    for path in PUBLIC:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == lang
        check_accessibility(page)
    page = phone(locale="en")
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(own_admin)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    for path in ADMIN:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == lang
        check_accessibility(page)
