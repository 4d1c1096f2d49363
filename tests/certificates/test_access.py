"""Access matrix for the certificate routes: anonymous, another student, the holder, admin."""

import pytest

from app.policy import Role

ENDPOINTS = {
    "certificates.verify_form",
    "certificates.verify",
    "certificates.certificate_pdf",
    "certificates.certificate_json",
    "certificates.issuer",
    "certificates.status",
    "certificates.mine",
}

WHO = ["anonymous", "other", "holder", "admin"]
# url template (CODE is the holder's code) -> expected status per WHO
MATRIX = {
    "/verify": (200, 200, 200, 200),
    "/verify/CODE": (200, 200, 200, 200),
    "/certificates/CODE.pdf": (200, 200, 200, 200),  # anyone with the code, as on paper
    "/certificates/CODE.json": (200, 200, 200, 200),
    "/issuer": (200, 200, 200, 200),
    "/status/1": (200, 200, 200, 200),
    "/certificates/mine": (302, 200, 200, 200),
}


@pytest.fixture
def people(graduate, make_user, enrol, course):
    holder, code = graduate()
    other = make_user()
    enrol(other, course[1])
    return {"holder": holder, "other": other, "admin": make_user(Role.ADMIN)}, code


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("url", sorted(MATRIX))
def test_access_matrix(check_access, people, url, who):
    users, code = people
    person = None if who == "anonymous" else users[who]
    check_access("GET", url.replace("CODE", code), person, MATRIX[url][WHO.index(who)])


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("cert")}
    assert endpoints == ENDPOINTS


def test_a_student_without_a_certificate_sees_none_and_can_get_none(
    app, client, login, people, make_user
):
    users, code = people
    login(client, users["other"])
    html = client.get("/certificates/mine").get_data(as_text=True)
    assert "You have no certificate yet" in html
    assert code not in html and ".pdf" not in html
    # nothing issues, previews or downloads a certificate one has not earned
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("certificates."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_the_holder_sees_downloads_in_three_languages(client, login, people):
    users, code = people
    login(client, users["holder"])
    html = client.get("/certificates/mine").get_data(as_text=True)
    for lang in ("kk", "ru", "en"):
        assert f"/certificates/{code}.pdf?lang={lang}" in html
    assert f"/verify/{code}" in html and f"/certificates/{code}.json" in html
