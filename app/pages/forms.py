from flask_wtf import FlaskForm
from wtforms import HiddenField


class LanguageForm(FlaskForm):
    """The language switcher: one submit button per language (works without JavaScript)."""

    next = HiddenField()
