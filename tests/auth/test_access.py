"""Access to the invitation page: public (the link is the credential), for everyone alike."""

import pytest

from app.policy import Role

# The shared matrix in tests/test_access.py finds these endpoints here.
ENDPOINTS = {"auth.accept_invitation"}


@pytest.mark.parametrize("role", [None, Role.STUDENT, Role.REVIEWER, Role.ADMIN])
def test_a_bad_invitation_link_is_the_same_400_for_everyone(app, make_user, login, role):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if role is not None:
        login(client, make_user(role))
    for token in ("bad", "x" * 101, "%00"):
        response = client.get(f"/invitation/{token}")
        assert response.status_code == 400
        assert "This invitation does not work" in response.get_data(as_text=True)
