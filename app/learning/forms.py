from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("I have read the lesson"))


class QuizForm(FlaskForm):
    """CSRF and the attempt token; the questions themselves are read from the module."""

    token = HiddenField()
    round = HiddenField()  # the attempt number the options were ordered for
    submit = SubmitField(_l("Submit answers"))
