"""The admin console's navigation is rendered once per language, role and current page and
kept per worker (issue 19): each variant still shows what it showed before."""

from __future__ import annotations

import re


def subnav(html: str) -> str:
    return re.search(r'<nav class="subnav".*?</nav>', html, re.S).group(0)


def links(html: str) -> list[tuple[str, bool]]:
    """(href, is current) of the admin navigation's links."""
    return [
        (href, bool(current))
        for href, current in re.findall(r'<a href="([^"]+)"( aria-current="page")?>', subnav(html))
    ]


def test_each_role_and_page_gets_its_own_navigation(client, login, world):
    login(client, world.admin)
    progress = links(client.get(f"/admin/cohorts/{world.cohort_id}/dashboard").get_data(True))
    users = links(client.get("/admin/users").get_data(as_text=True))
    hrefs = ["/admin/", "/admin/users", "/admin/audit", "/admin/mail", "/admin/videos"]
    assert [href for href, _ in progress] == [*hrefs, "/admin/progress"]
    assert [href for href, current in progress if current] == ["/admin/progress"]
    assert [href for href, current in users if current] == ["/admin/users"]

    login(client, world.reviewer)  # the same page, another role: no admin links
    reviewer = links(client.get(f"/admin/cohorts/{world.cohort_id}/dashboard").get_data(True))
    assert reviewer == [("/admin/progress", True)]


def test_each_language_gets_its_own_navigation(client, login, world):
    login(client, world.admin)
    english = subnav(client.get("/admin/users").get_data(as_text=True))
    client.set_cookie("lang", "ru")
    russian = subnav(client.get("/admin/users").get_data(as_text=True))
    assert ">Users</a>" in english and ">Пользователи</a>" in russian
    assert ">Прогресс</a>" in russian and "Users" not in russian
