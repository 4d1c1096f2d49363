"""A phone revisiting a module downloads nothing it already has: ETag + ``private, no-cache``,
and 304 while the page is unchanged; a change the page shows (progress, language, a new login)
gives the full page again (issue 19)."""

from __future__ import annotations

import re

from tests.fixtures.app import post_form

M1 = "/courses/demo/modules/m1"


def revisit(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": etag})


def test_an_unchanged_module_page_is_not_sent_again(client, student, login):
    login(client, student)
    first = client.get(M1)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')

    again = revisit(client, M1, etag)
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_progress_language_and_a_new_login_change_the_page(app, client, student, login):
    login(client, student)
    etag = client.get(M1).headers["ETag"]

    post_form(client, M1 + "/read", token_from=M1)  # the lesson is read: the page says so
    after_reading = revisit(client, M1, etag)
    assert after_reading.status_code == 200 and after_reading.headers["ETag"] != etag
    etag = client.get(M1).headers["ETag"]  # (the flash message shown once, then gone)
    assert revisit(client, M1, etag).status_code == 304

    assert revisit(client, M1 + "?lang=ru", etag).status_code == 200

    other = login(app.test_client(), student)  # another browser: its own session CSRF secret,
    assert revisit(other, M1, etag).status_code == 200  # so the page with a token it accepts


def test_the_token_of_a_revalidated_page_is_still_accepted(client, student, login):
    login(client, student)
    page = client.get(M1)
    assert revisit(client, M1, page.headers["ETag"]).status_code == 304
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert token
    response = client.post(M1 + "/read", data={"csrf_token": token.group(1)})
    assert response.status_code == 302  # accepted: on to the quiz


def test_other_signed_in_pages_stay_no_store(client, student, login):
    login(client, student)
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
