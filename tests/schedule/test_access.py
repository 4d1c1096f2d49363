"""Access to the schedule's personal routes: preferences and calendar link for the signed-in,
the calendar feed and the unsubscribe link for whoever holds the secret (404 otherwise, for
everyone alike). The admin screens are in tests/admin/test_access.py."""

import pytest

from app.extensions import db
from app.policy import Role

# The shared matrix in tests/test_access.py finds these endpoints here.
ENDPOINTS = {
    "auth.preferences",
    "auth.calendar",
    "auth.revoke_calendar",
    "auth.unsubscribe",
    "learning.calendar_feed",
}
WHO = [None, Role.STUDENT, Role.REVIEWER, Role.ADMIN]
# endpoint: (method, url, expected for anonymous, student, reviewer, admin)
MATRIX = {
    "auth.preferences": ("GET", "/account/preferences", 302, 200, 200, 200),
    "auth.calendar": ("GET", "/account/calendar", 302, 200, 200, 200),
    "auth.revoke_calendar": ("POST", "/account/calendar/revoke", 302, 302, 302, 302),
    "auth.unsubscribe": ("GET", "/unsubscribe/not-a-token", 404, 404, 404, 404),
    "learning.calendar_feed": ("GET", "/calendar/not-a-token.ics", 404, 404, 404, 404),
}


def test_the_matrix_covers_the_endpoints():
    assert set(MATRIX) == ENDPOINTS


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access_matrix(check_access, make_user, endpoint):
    method, url, *expected = MATRIX[endpoint]
    for role, want in zip(WHO, expected, strict=True):
        check_access(method, url, make_user(role) if role else None, want)


def test_one_students_feed_is_not_anothers(app, client, login, make_user):
    """The feed answers to its secret only: a signed-in student does not get theirs, or
    anyone else's, without it, and a revoked secret is gone."""
    from app.auth.models import User
    from app.auth.services import new_calendar_token, revoke_calendar_token

    alice, bob = make_user(), make_user()
    with app.app_context():
        token = new_calendar_token(db.session.get(User, alice.id))
        db.session.commit()
    login(client, bob)
    assert client.get(f"/calendar/{token}.ics").status_code == 200  # the link is the key
    assert client.get(f"/calendar/{token[:-1]}x.ics").status_code == 404
    with app.app_context():
        revoke_calendar_token(db.session.get(User, alice.id))
        db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
