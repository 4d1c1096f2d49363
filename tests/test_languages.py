"""One list of languages (``app/languages.py``, ADR 0014), and one wording per homework state."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from flask_babel import force_locale

from app import languages
from app.auth.models import User
from app.certificates.models import Certificate
from app.cohorts.models import Cohort
from app.homework.models import Status
from app.learning.content import LANGS, fallback_order, pick
from app.reports import labels
from config import Config

ROOT = Path(__file__).resolve().parent.parent


def test_everyone_reads_the_one_list(app):
    assert languages.LANGUAGES == ("kk", "ru", "en")
    assert Config.LANGUAGES is languages.LANGUAGES
    assert app.config["LANGUAGES"] == languages.LANGUAGES
    assert LANGS is languages.LANGUAGES
    for group, command in (("users", "create"), ("cohorts", "create")):
        params = app.cli.commands[group].real().commands[command].params
        locale = next(p for p in params if p.name == "locale")
        assert isinstance(locale.type, click.Choice) and tuple(locale.type.choices) == LANGS


@pytest.mark.parametrize(
    ("lang", "order"),
    [
        ("kk", ["kk", "ru", "en"]),
        ("ru", ["ru", "en", "kk"]),
        ("en", ["en", "ru", "kk"]),
        ("de", ["kk", "ru", "en"]),
    ],
)
def test_content_falls_back_along_the_list(lang, order):
    assert fallback_order(lang) == order
    text = {code: f"text in {code}" for code in order[1:]}
    assert pick(text, lang).lang == order[1]


# model, constraint, column: the migrations hold exactly this text, so models and database agree.
CONSTRAINTS = [
    (User, "locale_known", "locale", "0001_accounts_roles_sessions_audit.py"),
    (Cohort, "locale_known", "default_locale", "0002_courses_modules_quizzes_progress_cohorts.py"),
    (Certificate, "lang_known", "lang", "0004_certificates.py"),
]


@pytest.mark.parametrize(("model", "name", "column", "migration"), CONSTRAINTS)
def test_check_constraints_come_from_the_list_and_match_the_migrations(
    model, name, column, migration
):
    found = [c for c in model.__table__.constraints if getattr(c, "name", None) and name in c.name]
    assert [str(c.sqltext) for c in found] == [f"{column} IN ('kk', 'ru', 'en')"]
    source = (ROOT / "migrations" / "versions" / migration).read_text(encoding="utf-8")
    assert re.search(rf'CheckConstraint\("{re.escape(languages.sql_in(column))}"', source)


def test_sql_in_refuses_anything_but_a_column_name():
    with pytest.raises(ValueError):
        languages.sql_in("lang) OR (1=1")


def test_a_state_has_one_label_for_students_reviewers_and_admins(app):
    assert set(labels.BACKLOG) == {s.value for s in Status}
    for status in Status:
        assert labels.BACKLOG[status.value] is status.label
    with app.test_request_context(), force_locale("ru"):
        assert str(Status.RETURNED.label) == "Возвращено на доработку"
    with app.test_request_context(), force_locale("en"):
        assert str(Status.SUBMITTED.label) == "Submitted, waiting for review"
