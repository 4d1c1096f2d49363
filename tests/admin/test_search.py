"""Name search is case-insensitive for Kazakh and Russian on SQLite and PostgreSQL alike: the
student table, the users list and the audit log's "who" filter."""

import pytest

from app.audit.services import record
from app.auth.models import User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.extensions import db
from app.textsearch import contains_pattern, fold
from tests.cohorts.test_enrolment import MIXED, preview_url, upload
from tests.fixtures.app import post_form
from tests.reports.test_students import names
from tests.test_migrations import empty_database as empty_database  # a fixture

PEOPLE = {
    "kk": "Әлия Ғабитқызы Қоңырова-Өтегенова",
    "ru": "Иван Петров",
    "kk2": "Ұлан Үсенов Һашимұлы Іңкәрбеков",
}
# (query, which person it finds): Kazakh letters in either case, Russian, ё as е, substrings.
QUERIES = [
    ("Әлия", "kk"),
    ("әлия", "kk"),
    ("ӘЛИЯ", "kk"),
    ("ғабитқызы", "kk"),
    ("ҚОҢЫРОВА", "kk"),
    ("өтегенова", "kk"),
    ("Иван", "ru"),
    ("ИВАН", "ru"),
    ("петров", "ru"),
    ("ПЕТРОВ", "ru"),
    ("ұлан", "kk2"),
    ("ҮСЕНОВ", "kk2"),
    ("һашим", "kk2"),
    ("ІҢКӘР", "kk2"),
    ("іңкәр", "kk2"),
]


def test_fold():
    assert fold("ӘҒҚҢӨҰҮҺІ") == "әғқңөұүһі"
    assert fold("ИВАН Пётр") == "иван петр"
    assert fold("Straße") == "strasse"
    assert contains_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


@pytest.fixture
def people(app, world, make_user):
    ids = {}
    for key, name in PEOPLE.items():
        ids[key] = make_user(name=name, email=f"{key}@example.kz").id
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        for user_id in ids.values():
            person = db.session.get(User, user_id)
            cohorts.enrol(person, cohort)
            record("user.password_reset", actor=person, target=person)
        db.session.commit()
    return ids


@pytest.mark.parametrize(("query", "who"), QUERIES)
def test_student_table(as_admin, world, people, query, who):
    html = as_admin.get(
        f"/admin/cohorts/{world.cohort_id}/students", query_string={"q": query}
    ).get_data(as_text=True)
    assert names(html) == [PEOPLE[who]]


@pytest.mark.parametrize(("query", "who"), QUERIES)
def test_users_list(as_admin, people, query, who):
    html = as_admin.get("/admin/users", query_string={"q": query}).get_data(as_text=True)
    assert PEOPLE[who] in html
    assert "1 account" in html
    assert all(PEOPLE[other] not in html for other in PEOPLE if other != who)


@pytest.mark.parametrize(("query", "who"), QUERIES)
def test_audit_who_filter(as_admin, people, query, who):
    html = as_admin.get("/admin/audit", query_string={"actor": query}).get_data(as_text=True)
    assert PEOPLE[who] in html
    assert all(PEOPLE[other] not in html for other in PEOPLE if other != who)


def test_email_search_ignores_case(as_admin, people):
    html = as_admin.get("/admin/users", query_string={"q": "KK2@EXAMPLE"}).get_data(as_text=True)
    assert PEOPLE["kk2"] in html and "1 account" in html


def test_a_renamed_account_is_found_by_its_new_name(app, as_admin, people):
    with app.app_context():
        db.session.get(User, people["ru"]).name = "Пётр Сидоров"
        db.session.commit()
    html = as_admin.get("/admin/users", query_string={"q": "СИДОРОВ"}).get_data(as_text=True)
    assert "Пётр Сидоров" in html
    html = as_admin.get("/admin/users", query_string={"q": "петр"}).get_data(as_text=True)
    assert "Пётр Сидоров" in html  # ё and е alike
    html = as_admin.get("/admin/users", query_string={"q": "Иван"}).get_data(as_text=True)
    assert "0 accounts" in html


def test_accounts_made_by_csv_enrolment_are_searchable(app, as_admin, world, mailbox):
    url = preview_url(upload(as_admin, world.cohort_id, MIXED))
    assert post_form(as_admin, url + "/confirm", token_from=url).status_code == 302
    with app.app_context():
        folded = db.session.scalar(
            db.select(User.search_name).where(User.email == "aliya@example.kz")
        )
    assert folded == "әлия сейітқызы"
    html = as_admin.get(
        f"/admin/cohorts/{world.cohort_id}/students", query_string={"q": "КОВАЛЕВА"}
    ).get_data(as_text=True)
    assert names(html) == ["Ирина Ковалёва"]


def test_the_migration_folds_existing_names(empty_database, tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app

    app = create_app("test", SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_DIR=str(tmp_path / "u"))
    with app.app_context():
        upgrade(revision="0008")
        for n, name in enumerate(PEOPLE.values()):
            db.session.execute(
                text(
                    'INSERT INTO "user" (email, name, active, created_at) '
                    "VALUES (:email, :name, true, CURRENT_TIMESTAMP)"
                ),
                {"email": f"p{n}@example.kz", "name": name},
            )
        db.session.commit()
        upgrade()
        folded = db.session.scalars(text('SELECT search_name FROM "user" ORDER BY id')).all()
        assert folded == [fold(name) for name in PEOPLE.values()]
        db.session.remove()
        db.engine.dispose()
