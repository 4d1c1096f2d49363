"""The signed-in navigation is rendered once per variant and kept (app/navigation.py): each
variant is still right for its reader, and each page gets its own session's CSRF token."""

from __future__ import annotations

import re

from app.policy import Role


def nav(html: str) -> str:
    found = re.search(r'<nav class="wrap nav".*?</nav>', html, re.S)
    assert found, "a signed-in page has the navigation"
    return found.group(0)


def test_each_reader_gets_the_links_of_their_roles(app, make_user, login):
    student = login(app.test_client(), make_user(Role.STUDENT))
    reviewer = login(app.test_client(), make_user(Role.REVIEWER))
    admin = login(app.test_client(), make_user(Role.ADMIN))
    for _ in range(2):  # the second time from the kept variants
        for client, review, admin_link in (
            (student, False, False),
            (reviewer, True, False),
            (admin, False, True),
        ):
            html = nav(client.get("/dashboard").get_data(as_text=True))
            assert ('href="/review/"' in html) is review
            assert ('href="/admin/"' in html) is admin_link
    assert app.test_client().get("/").get_data(as_text=True).count('class="wrap nav"') == 0


def test_the_language_and_the_current_page_are_part_of_the_variant(app, make_user, login):
    client = login(app.test_client(), make_user(Role.STUDENT, locale="ru"))
    html = nav(client.get("/dashboard").get_data(as_text=True))
    assert "Выйти" in html or "Выход" in html
    assert 'aria-current="page"' not in html
    notices = nav(client.get("/notifications").get_data(as_text=True))
    assert 'aria-current="page"' in notices


def test_the_logout_form_carries_this_sessions_token(app, make_user, login):
    first = login(app.test_client(), make_user(Role.STUDENT))
    second = login(app.test_client(), make_user(Role.STUDENT))
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    tokens = []
    for client in (first, second):
        html = nav(client.get("/dashboard").get_data(as_text=True))
        tokens.append(token.search(html).group(1))
    assert tokens[0] != tokens[1]
    response = second.post("/logout", data={"csrf_token": tokens[1]})
    assert response.status_code == 302
    assert second.get("/dashboard").status_code == 302  # signed out
    assert first.get("/dashboard").status_code == 200
