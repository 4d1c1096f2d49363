"""The templates' ``datetimeformat`` filter writes what Flask-Babel's writes, in every language
and named format, with each locale's patterns parsed once (issue 19)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, format_datetime

from app.datetime_format import datetimeformat


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full"])
def test_the_same_text_as_flask_babel(app, lang, fmt):
    rng = random.Random(f"{lang}{fmt}")
    with app.test_request_context("/"), force_locale(lang):
        for _ in range(150):
            value = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**9))
            if rng.random() < 0.2:
                value = value.replace(tzinfo=None)  # naive: UTC, as Flask-Babel takes it
            assert datetimeformat(value, fmt) == format_datetime(value, fmt)


def test_other_formats_go_to_flask_babel(app):
    value = datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
    with app.test_request_context("/"), force_locale("en"):
        assert datetimeformat(value, "yyyy-MM-dd HH:mm") == format_datetime(
            value, "yyyy-MM-dd HH:mm"
        )
        assert datetimeformat(value) == format_datetime(value)


def test_it_is_the_templates_filter(app):
    assert app.jinja_env.filters["datetimeformat"] is datetimeformat
