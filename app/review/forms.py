from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class ClaimNextForm(FlaskForm):
    submit = SubmitField(_l("Review next"))


class ClaimForm(FlaskForm):
    submit = SubmitField(_l("Start reviewing"))


class ReleaseForm(FlaskForm):
    submit = SubmitField(_l("Give back to the queue"))


class GradeForm(FlaskForm):
    """CSRF and the version; the rubric fields are built from the module's criteria."""

    version = HiddenField()


def criterion_field(criterion_id: int) -> str:
    return f"c-{criterion_id}"


def criterion_feedback_field(criterion_id: int) -> str:
    return f"f-{criterion_id}"
