"""Work that could be lost between opening the form and pressing Save: the session ended
meanwhile (signed out in another tab, password changed on another device, the cookie gone), or
the page's CSRF token no longer matches the session. Nothing is saved, and the text comes back."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from app.auth.models import LoginSession
from app.extensions import db
from tests.fixtures.app import csrf_token
from tests.fixtures.homework import HW, enrol, fact_check, snapshot, uploaded
from tests.fixtures.images import files, png

TEXT = {
    "claim": "Жаңалық <script>alert(1)</script> туралы",
    "reasoning": "Long reasoning typed on a phone for half an hour.",
    "evidence-1-note": "A note on the second source",
}


def typed(**extra) -> dict:
    return fact_check(**TEXT, **extra)


def test_a_session_ended_elsewhere_gives_the_text_back_to_copy(app, client, login, world):
    login(client, world.owner)
    data = typed(version="", save="x", csrf_token=csrf_token(client, HW))
    data["screenshots"] = files((png(), "shot.png"))
    with app.app_context():  # e.g. the password was changed on another device
        db.session.execute(db.delete(LoginSession))
        db.session.commit()
    before = snapshot(app)

    response = client.post(HW, data=data, content_type="multipart/form-data")

    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Your homework was not saved" in html
    assert "Жаңалық &lt;script&gt;alert(1)&lt;/script&gt; туралы</textarea>" in html
    assert "<script>alert(1)" not in html
    assert TEXT["reasoning"] in html and TEXT["evidence-1-note"] in html
    assert "Screenshots you had chosen were not kept" in html
    assert "/auth/login?next=" in html or "login?next=" in html
    assert snapshot(app) == before and uploaded(app) == set()


def test_a_lost_session_cookie_gives_the_text_back_too(app, client, login, world):
    login(client, world.owner)
    data = typed(version="", save="x", csrf_token=csrf_token(client, HW))
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    before = snapshot(app)

    response = client.post(HW, data=data, content_type="multipart/form-data")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your homework was not saved" in html and TEXT["reasoning"] in html
    assert snapshot(app) == before


def test_a_stale_token_while_signed_in_gives_the_form_back_with_a_fresh_one(
    app, client, login, world
):
    login(client, world.owner)
    stale = csrf_token(client, HW)
    # Signed out and in again in another tab: a new session, without the page's token.
    with client.session_transaction() as session:
        session.pop("csrf_token")
    login(client, world.owner)
    before = snapshot(app)

    response = client.post(
        HW,
        data=typed(version="", save="x", csrf_token=stale),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This page had expired, so it was not saved." in html
    assert 'class="error-summary"' in html
    assert TEXT["reasoning"] in html and 'value="A note on the second source"' in html
    assert snapshot(app) == before
    # The page carries a token that works: saving again keeps everything.
    fresh = csrf_token(client, HW)
    again = client.post(
        HW, data=typed(version="", save="x", csrf_token=fresh), content_type="multipart/form-data"
    )
    assert again.status_code == 302


def test_other_homework_forms_keep_the_plain_expired_message(client, login, world):
    login(client, world.owner)
    response = client.post(HW + "/revise", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "The form had expired." in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_not_saved_page_is_translated(app, client, login, make_user, world, lang):
    student = make_user(locale=lang)
    enrol(app, student, world.cohort_a)
    login(client, student)
    data = typed(version="", save="x", csrf_token=csrf_token(client, HW))
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    client.set_cookie("lang", lang)
    with app.test_request_context(), force_locale(lang):
        title = gettext("Your homework was not saved")
    assert title != "Your homework was not saved"

    response = client.post(HW, data=data, content_type="multipart/form-data")

    assert title in response.get_data(as_text=True)


def test_a_draft_changed_in_another_window_gives_the_text_back(app, client, login, world):
    from tests.fixtures.homework import VERSION_RE, latest_submission, page_version, post_homework

    login(client, world.owner)
    assert post_homework(client, fact_check(claim="First")).status_code == 302
    stale = page_version(client)
    assert post_homework(client, fact_check(claim="Other window")).status_code == 302
    before = snapshot(app)

    response = post_homework(client, typed(), version=stale, shots=[(png(), "a.png")])

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This homework was changed in another window." in html
    assert TEXT["reasoning"] in html and 'class="error-summary"' in html
    assert snapshot(app) == before
    # Saving the page as it came back replaces the other window's version, on purpose.
    current = VERSION_RE.search(html).group(1)
    assert current == str(latest_submission(app, world.owner, world.modules["m1"]).version)
    assert post_homework(client, typed(), version=current).status_code == 302
    assert latest_submission(app, world.owner, world.modules["m1"]).reasoning == TEXT["reasoning"]
