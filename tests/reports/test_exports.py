"""Exports: UTF-8 with BOM, formula-looking cells neutralised, Cyrillic intact, streamed."""

import csv
import io
import json

import pytest

from app.auth.models import User
from app.extensions import db
from app.reports.streaming import neutralise
from tests.admin.fixtures import complete_module, enrol_many


@pytest.fixture
def people(app, world):
    ids = enrol_many(app, world.cohort_id, 3)
    with app.app_context():
        for user_id, name in zip(ids, ["=1+2", "Әлия Сейітқызы", "@SUM(A1)"], strict=True):
            db.session.get(User, user_id).name = name
        complete_module(ids[1], world.modules[0], world.cohort_id, world.reviewer.id)
        db.session.commit()
    return ids


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+2", "'=1+2"),
        ("+7 700", "'+7 700"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Әлия", "Әлия"),
        (5, 5),
        (-3, -3),
        (None, ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_students_csv(as_admin, world, people):
    rows = read_csv(as_admin.get(f"/admin/cohorts/{world.cohort_id}/export/students.csv"))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Name", "Email"] and header[-3:] == [
        "1. Module 1",
        "2. Module 2",
        "3. Module 3",
    ]
    names = {row[0]: row for row in body}
    assert set(names) == {"'=1+2", "Әлия Сейітқызы", "'@SUM(A1)", "Student A"}
    aliya = names["Әлия Сейітқызы"]
    assert aliya[5] == "1" and aliya[-3:] == ["Complete", "Open", "Locked"]


def test_students_csv_in_russian(as_admin, world, people):
    as_admin.set_cookie("lang", "ru", domain="localhost")
    response = as_admin.get(f"/admin/cohorts/{world.cohort_id}/export/students.csv")
    rows = read_csv(response)
    assert rows[0][-1] == "3. Module 3 (ru)"
    assert any(row[0] == "Әлия Сейітқызы" for row in rows)


def test_grades_csv(as_admin, world, people):
    rows = read_csv(as_admin.get(f"/admin/cohorts/{world.cohort_id}/export/grades.csv"))
    assert rows[0][:3] == ["Name", "Email", "Module"]
    (line,) = rows[1:]
    assert line[0] == "Әлия Сейітқызы" and line[2] == "1. Module 1"
    assert rows[0][5] == "Late" and line[5] == "no"
    assert line[7] == "Accepted" and line[9] == "4" and line[10] == "Reviewer A"


def test_progress_json(as_admin, world, people):
    response = as_admin.get(f"/admin/cohorts/{world.cohort_id}/export/progress.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["cohort"]["id"] == world.cohort_id and data["summary"]["enrolled"] == 4
    by_name = {s["name"]: s for s in data["students"]}
    assert by_name["=1+2"]["modules"][0]["state"] == "open"  # JSON keeps text as it is
    assert [m["state"] for m in by_name["Әлия Сейітқызы"]["modules"]] == [
        "complete",
        "open",
        "locked",
    ]
    assert "Әлия" in response.get_data(as_text=True)  # not \u-escaped
