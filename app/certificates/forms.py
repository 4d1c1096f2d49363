from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.certificates.codes import MAX_LENGTH


class VerifyForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token (the link can be shared)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        description=_l("The code printed on the certificate, for example 7K2M-9QXD-…"),
        validators=[DataRequired(), Length(max=3 * MAX_LENGTH)],
    )
    submit = SubmitField(_l("Check"))
