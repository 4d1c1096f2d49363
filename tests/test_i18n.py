import pytest

from tests.fixtures.app import post_form


@pytest.mark.parametrize(
    "header, lang",
    [
        ("kk", "kk"),
        ("ru-RU,ru;q=0.9", "ru"),
        ("en-US", "en"),
        ("de", "kk"),
    ],
)
def test_accept_language_when_nothing_else_is_set(client, header, lang):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_cookie_beats_accept_language(client):
    client.set_cookie("lang", "ru", domain="localhost")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_user_setting_beats_cookie(client, make_user, login):
    login(client, make_user(locale="kk"))
    client.set_cookie("lang", "ru", domain="localhost")
    assert '<html lang="kk">' in client.get("/dashboard").get_data(as_text=True)


def test_switcher_sets_cookie_and_saves_to_account(app, client, make_user, login):
    user = make_user(locale="en")
    login(client, user)
    response = post_form(client, "/language", {"lang": "kk", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert client.get_cookie("lang").value == "kk"
    assert '<html lang="kk">' in client.get("/account").get_data(as_text=True)
    from app.auth.models import User
    from app.extensions import db

    with app.app_context():
        assert db.session.get(User, user.id).locale == "kk"


@pytest.mark.parametrize(
    "lang, next_, location",
    [
        ("xx", "/account", "/account"),
        ("kk", "https://evil.example/", "/"),
    ],
)
def test_switcher_ignores_unknown_languages_and_foreign_targets(client, lang, next_, location):
    response = post_form(client, "/language", {"lang": lang, "next": next_})
    assert response.headers["Location"] == location


def test_anonymous_visitors_see_the_switcher_on_every_page(client):
    for url in ["/", "/login", "/register", "/forgot-password", "/no-such-page"]:
        html = client.get(url).get_data(as_text=True)
        assert "Қазақша" in html and "Русский" in html and "English" in html, url


@pytest.mark.parametrize(
    "lang, text",
    [
        ("kk", "Кіру"),
        ("ru", "Войти"),
        ("en", "Log in"),
    ],
)
def test_pages_are_translated(client, lang, text):
    html = client.get("/login", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert text in html


def test_templates_follow_the_locale_of_the_moment(app):
    """Templates keep one catalogue per locale; ``force_locale`` (emails, certificates)
    still switches them inside a request in another language."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        assert render_template_string("{{ _('Log out') }}") == "Выйти"
        with force_locale("kk"):
            assert render_template_string("{{ _('Log out') }}") == "Шығу"
        with force_locale("en"):
            assert render_template_string("{{ _('Log out') }}") == "Log out"
        assert render_template_string("{{ _('Log out') }}") == "Выйти"


def test_template_gettext_follows_force_locale_inside_a_request(app):
    """The catalogue kept for the request's locale (app/i18n.py) gives way to ``force_locale``
    (an email in its recipient's language) and comes back after it."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string("{{ _('Log out') }}")
    with app.test_request_context("/", headers={"Accept-Language": "ru"}):
        before = template.render()
        with force_locale("kk"):
            inside = template.render()
        after = template.render()
        with force_locale("en"):
            english = template.render()
    assert before == after == "Выйти"
    assert inside == "Шығу"
    assert english == "Log out"


@pytest.mark.parametrize("autoescape", [True, False])
def test_template_gettext_renders_as_jinjas_own_new_style(app, autoescape):
    """app/i18n.py's shorter ``_``/``gettext`` gives exactly what Jinja's new-style one gives:
    safe under autoescape with escaped variables, ``%%`` of a trans block as ``%``, plain in a
    text (email) template."""
    from jinja2 import Environment

    source = (
        "{{ _('Log out') }}|{{ gettext('Log out') }}|{{ _('%(n)s & more', n='<b>') }}|"
        "{% trans %}100% <i>sure</i>{% endtrans %}|{% trans x='<y>' %}{{ x }} %{% endtrans %}|"
        "{{ _('50%% off') }}"
    )
    stock = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)  # noqa: S701
    stock.install_gettext_callables(lambda s: s, lambda s, p, n: s if n == 1 else p, newstyle=True)
    ours = app.jinja_env.overlay(autoescape=autoescape)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert ours.from_string(source).render() == stock.from_string(source).render()
