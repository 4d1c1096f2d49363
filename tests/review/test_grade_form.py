"""``GradeForm.for_module``: one validated field per rubric criterion, labelled in the
reviewer's language; anything else in the post is named for the audit log."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.homework.models import FEEDBACK_MAX
from app.learning.models import Module
from app.review.forms import CHOOSE_DECISION, CHOOSE_LEVEL, TOO_LONG, GradeForm
from tests.fixtures.homework import grading


def form_class(world, module: str = "m1", lang: str | None = None) -> type[GradeForm]:
    """Built inside a request context (the caller's), from the module's current rubric."""
    return GradeForm.for_module(db.session.get(Module, world.modules[module]), lang)


def posted(app, world, data: dict, module: str = "m1") -> GradeForm:
    with app.test_request_context("/", method="POST", data=MultiDict(data)):
        form = form_class(world, module)(meta={"csrf": False})
        form.validate()
        return form


def test_one_level_choice_and_one_note_per_criterion(app, world):
    first, second = world.criteria["m1"]
    with app.test_request_context("/"):
        form = form_class(world)(meta={"csrf": False})
        other = form_class(world, "m2")
    assert [field.name for field in form] == [
        "version",
        "decision",
        "feedback",
        f"c-{first}",
        f"f-{first}",
        f"c-{second}",
        f"f-{second}",
    ]
    assert form.criterion_ids == (first, second)
    # Another module's rubric makes another form; the base form has no rubric at all.
    assert other.criterion_ids == tuple(world.criteria["m2"])
    assert GradeForm.criterion_ids == ()
    assert not hasattr(GradeForm, f"c-{first}")


@pytest.mark.parametrize(("language", "suffix"), [("kk", " (kk)"), ("ru", " (ru)"), ("en", "")])
def test_labels_are_in_the_reviewers_language(app, world, language, suffix):
    first = world.criteria["m1"][0]
    with app.test_request_context("/", headers={"Accept-Language": language}):
        of_the_interface = form_class(world)(meta={"csrf": False})
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        asked_for = form_class(world, lang=language)(meta={"csrf": False})
    for form in (of_the_interface, asked_for):
        level = form[f"c-{first}"]
        assert level.label.text == f"Criterion 1{suffix}"
        assert level.choices == [(p, f"Level {p}{suffix} ({p})") for p in (0, 1, 2)]


def test_a_complete_grading_gives_the_scores_and_the_decision(app, world):
    first, second = world.criteria["m1"]
    data = {
        **grading(world, points=(2, 0), notes=("  Clear claim. ", "")),
        "feedback": " Well argued.\n",
        "version": "3",
    }

    form = posted(app, world, data)

    assert form.errors == {} and form.problems() == []
    assert form.decision.data == "accept"
    assert form.scores() == {first: (2, "Clear claim."), second: (0, "")}
    assert form.overall_feedback() == "Well argued."
    assert form.version_number() == 3


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        ({"points": (2, None)}, [CHOOSE_LEVEL]),
        ({"points": (5, 1)}, [CHOOSE_LEVEL]),  # not one of its levels
        ({"points": ("two", "²")}, [CHOOSE_LEVEL]),  # said once for the whole rubric
        ({"decision": None}, [CHOOSE_DECISION]),
        ({"decision": "maybe"}, [CHOOSE_DECISION]),
        ({"feedback": "x" * (FEEDBACK_MAX + 1)}, [TOO_LONG]),
        ({"notes": ("x" * (FEEDBACK_MAX + 1), "")}, [TOO_LONG]),
        ({"decision": None, "points": (None, 1), "feedback": "x" * 5000}, None),
    ],
)
def test_what_is_wrong_is_said_once_in_the_pages_order(app, world, change, problems):
    form = posted(app, world, {**grading(world, **change), "version": "1"})
    expected = problems or [CHOOSE_DECISION, CHOOSE_LEVEL, TOO_LONG]
    assert form.problems() == [str(p) for p in expected]


def test_text_within_the_limit_once_stripped_is_accepted(app, world):
    form = posted(app, world, {**grading(world, feedback=" " + "x" * FEEDBACK_MAX + " ")})
    assert form.problems() == [] and len(form.overall_feedback()) == FEEDBACK_MAX


def test_fields_of_another_rubric_or_the_model_are_unexpected(app, world):
    alien = world.criteria["m2"][0]
    data = {**grading(world), "version": "1", "csrf_token": "t", f"c-{alien}": "2", "points": "9"}
    with app.test_request_context("/", method="POST", data=MultiDict(data)):
        form = form_class(world)()
        assert form.unexpected(data) == [f"c-{alien}", "points"]
        assert form.unexpected(grading(world)) == []


@pytest.mark.parametrize(("raw", "number"), [("12", 12), ("", None), ("1.5", None), ("²", None)])
def test_the_version_is_a_plain_number(app, world, raw, number):
    assert posted(app, world, {"version": raw}).version_number() == number
