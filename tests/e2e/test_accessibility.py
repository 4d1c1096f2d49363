"""axe-core (WCAG 2.0/2.1 A and AA) on the public and admin page types in kk, ru and en, chosen
through the language switcher. The journeys scan the student and reviewer pages in their own
language (Kazakh and Russian; the admin journey in English)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.phone import check_accessibility

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
    failed_mail(live_server.env["DATABASE_URL"])
    return "axe@example.org"


def failed_mail(database_url: str) -> None:
    """A message that failed every try, long words and all, for the admins' mail page."""
    from datetime import UTC, datetime

    from sqlalchemy import create_engine, text

    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox_message (message_id, to_address, subject, text_body, status,"
                " attempts, last_error, created_at, next_attempt_at) VALUES (:id, :to, :subject,"
                " 'x', 'failed', 6, :error, :now, :now)"
            ),
            {
                "id": "<axe.failed@localhost>",
                "to": "a.very.long.address.for.a.phone.screen@faculty-of-journalism.example.edu",
                "subject": "Тексерушілерге арналған күнделікті шолу: 12 үй тапсырмасы күтуде",
                "error": "SMTPRecipientsRefused: {'a.very.long.address@example.edu': (550, "
                "b'5.1.1 <a.very.long.address@example.edu>: Recipient address rejected')}",
                "now": now,
            },
        )
    engine.dispose()


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
