"""The public verification page: the database's word, in the visitor's language, never cached,
never echoing what was asked."""

import re

import pytest

from app.certificates import services
from app.extensions import db
from tests.certificates.conftest import KAZAKH

UNKNOWN = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"


def page(response) -> str:
    """The page without the layout's language switcher (whose hidden ``next`` field carries
    the current path, escaped, so that switching language comes back here)."""
    html = response.get_data(as_text=True)
    start = html.find('<form method="post" action="/language"')
    if start >= 0:
        html = html[:start] + html[html.index("</form>", start) + len("</form>") :]
    return html


def revoke(app, code, reason="misconduct"):
    with app.app_context():
        services.revoke(services.find_by_code(code), reason=reason, note="copied", actor=None)
        db.session.commit()


def test_a_valid_certificate_in_english(client, graduate, titles):
    _user, code = graduate()
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Valid" in html and "Revoked" not in html
    assert f"Айгерім {KAZAKH}" in html
    assert titles["en"] in html
    assert f"/certificates/{code}.pdf?lang=en" in html
    assert f"/certificates/{code}.json" in html
    assert "@" not in html.split("<main", 1)[1].split("</main>")[0]  # no email shown


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_page_follows_the_visitor_language(client, graduate, titles, lang):
    _user, code = graduate()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert titles[lang] in html
    assert f"/certificates/{code}.pdf?lang={lang}" in html


def test_a_revoked_certificate_says_so_at_once(app, client, graduate):
    _user, code = graduate()
    revoke(app, code, "issued_in_error")
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Revoked" in html and "Issued in error" in html
    assert "copied" not in html  # the admin's note is not public
    assert f"/certificates/{code}.pdf" not in html
    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 302 and pdf.headers["Location"].endswith(f"/verify/{code}")


def test_an_unknown_code_is_a_plain_not_found(client, graduate):
    graduate()
    for url in [f"/verify/{UNKNOWN}", "/verify/%3Cscript%3Ealert(1)%3C%5Cscript%3E"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["Cache-Control"] == "no-store"
        html = page(response)
        assert "Certificate not found" in html
        assert UNKNOWN not in html and "alert(1)" not in html and "script%3E" not in html


def test_the_form_redirects_to_the_canonical_address(client, graduate):
    _user, code = graduate()
    assert client.get("/verify").status_code == 200
    typed = code.lower().replace("-", " ")
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{code}")
    response = client.get(f"/verify/{code.replace('-', '').lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(code)


def test_the_form_does_not_echo_what_was_typed(client):
    response = client.get("/verify", query_string={"code": "<b>zzz-not-a-code</b>"})
    assert response.status_code == 200
    html = page(response)
    assert "zzz-not-a-code" not in html
    assert "That is not a certificate code" in html


def test_lookups_are_rate_limited(app_factory, graduate):
    app = app_factory(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get(f"/verify/{UNKNOWN}").status_code for _ in range(5)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3:] == [429, 429]


def test_the_credential_and_issuer_documents_are_served(client, graduate, app):
    _user, code = graduate()
    response = client.get(f"/certificates/{code}.json")
    assert response.status_code == 200
    assert response.mimetype in ("application/ld+json", "application/vc+ld+json")
    with app.app_context():
        assert response.get_json(force=True) == services.find_by_code(code).credential
    assert client.get(f"/certificates/{UNKNOWN}.json").status_code == 404
    issuer = client.get("/issuer").get_json(force=True)
    assert issuer["id"] == "http://localhost/issuer"
    assert issuer["assertionMethod"] == ["http://localhost/issuer#key-1"]
    status = client.get("/status/1")
    assert status.status_code == 200 and status.headers["Cache-Control"] == "no-store"
    assert client.get("/status/2").status_code == 404


def test_switching_language_on_not_found_keeps_the_code(client, graduate):
    """The switcher of a "not found" page returns to the same (well-formed) code, in the new
    language; a malformed one still goes back to the empty form."""
    graduate()
    html = client.get(f"/verify/{UNKNOWN}").get_data(as_text=True)
    assert f'name="next" value="/verify/{UNKNOWN}"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    switched = client.post(
        "/language", data={"csrf_token": token, "lang": "kk", "next": f"/verify/{UNKNOWN}"}
    )
    assert switched.status_code == 302 and switched.headers["Location"].endswith(UNKNOWN)
    again = client.get(switched.headers["Location"])
    assert again.status_code == 404 and '<html lang="kk">' in again.get_data(as_text=True)
    html = client.get("/verify/%3Cb%3Ezzz-typed").get_data(as_text=True)
    assert 'name="next" value="/verify"' in html and "zzz-typed" not in html
