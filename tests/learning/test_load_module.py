"""``services.load_module`` takes what the route parsed and raises domain errors: it works the
same outside a request (a job, the shell), and never aborts."""

from __future__ import annotations

import pytest
from flask_babel import get_locale

from app.auth.models import User
from app.extensions import db
from app.learning import services


def load(user, course="demo", module="m1", **kwargs):
    return services.load_module(db.session.get(User, user.id), course, module, **kwargs)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_content_language_is_the_one_asked_for(app, student, lang):
    with app.app_context():
        ctx = load(student, lang=lang)
        assert (ctx.module.slug, ctx.lang, ctx.is_student) == ("m1", lang, True)


@pytest.mark.parametrize("lang", [None, "", "de", "ru'"])
def test_any_other_language_is_the_interfaces(app, student, lang):
    with app.app_context():
        assert load(student, lang=lang).lang == str(get_locale())


@pytest.mark.parametrize(("course_slug", "module_slug"), [("demo", "m9"), ("nope", "m1")])
def test_a_missing_course_or_module_is_not_found(app, student, course_slug, module_slug):
    with app.app_context(), pytest.raises(services.CourseNotFound):
        load(student, course_slug, module_slug)


def test_a_course_the_user_does_not_take_is_not_found(app, make_user, course):
    outsider = make_user()
    with app.app_context(), pytest.raises(services.CourseNotFound):
        load(outsider)


def test_a_locked_module_is_refused_with_a_reason_for_the_audit_log(app, student):
    with app.app_context():
        with pytest.raises(services.ModuleLocked) as refused:
            load(student, module="m2")
        assert refused.value.status == 403
        assert refused.value.reason.endswith("locked")
