"""Every admin page: unique ids, a label for every input, no script, in all three languages."""

import re
from collections import Counter

import pytest

from tests.admin.fixtures import upload
from tests.admin.test_access import make_certificate

PAGES = [
    "/admin/",
    "/admin/progress",
    "/admin/cohorts/new",
    "/admin/cohorts/{a}",
    "/admin/cohorts/{a}/edit",
    "/admin/cohorts/{a}/enrol",
    "/admin/cohorts/{a}/enrol/{token}",
    "/admin/cohorts/{a}/dashboard",
    "/admin/cohorts/{a}/students",
    "/admin/cohorts/{a}/certificates",
    "/admin/users",
    "/admin/users/{student}",
    "/admin/audit",
    "/admin/mail",
]
INPUT_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def check(html: str) -> None:
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html))
    for _tag, attrs in INPUT_RE.findall(html):
        if re.search(r'type="(hidden|submit)"', attrs):
            continue
        found = re.search(r'\sid="([^"]+)"', attrs)
        assert found and found.group(1) in labelled, attrs
    assert "<script" not in html and " style=" not in html


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_admin_pages_are_well_formed(app, client, login, world, lang):
    login(client, world.admin)
    response = upload(client, world.cohort_id, "name,email\nNew,new@example.com\n")
    token = response.headers["Location"].rsplit("/", 1)[1]
    make_certificate(app, world.student, world.cohort_id, world.course_id)
    client.set_cookie("lang", lang, domain="localhost")
    values = {"a": world.cohort_id, "token": token, "student": world.student.id}
    for page in PAGES:
        response = client.get(page.format(**values))
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        check(html)
