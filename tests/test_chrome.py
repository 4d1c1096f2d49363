"""The page chrome (head links, header with the language switcher, footer) is rendered once per
language and signed-in state in each worker (app/navigation.py); what varies per request, the
switcher's CSRF token and return address, is put in escaped, and the variants do not mix."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.app import CSRF_RE


def _next(html: str) -> str:
    return re.search(r'name="next" value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_switcher_marks_the_page_language(client, lang):
    client.set_cookie("lang", lang)
    html = client.get("/").get_data(as_text=True)
    pressed = re.findall(r'value="(\w\w)" lang="\w\w" aria-pressed="true"', html)
    assert pressed == [lang]
    assert f'<html lang="{lang}">' in html


def test_the_return_address_is_this_request_escaped(client):
    html = client.get('/courses/x?q="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert _next(html) == "/courses/x?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert _next(client.get("/login").get_data(as_text=True)) == "/login"  # not the last one's


def test_the_switcher_carries_this_sessions_token(app, client):
    html = client.get("/login").get_data(as_text=True)
    tokens = set(CSRF_RE.findall(html))
    assert len(CSRF_RE.findall(html)) >= 2 and len(tokens) == 1  # the switcher's, the form's
    other = CSRF_RE.findall(app.test_client().get("/login").get_data(as_text=True))
    assert tokens.isdisjoint(other)


def test_the_footer_offers_log_in_only_to_visitors(client, make_user, login):
    assert "/login" in client.get("/").get_data(as_text=True).split("site-footer")[1]
    login(client, make_user())
    assert "/login" not in client.get("/dashboard").get_data(as_text=True).split("site-footer")[1]
