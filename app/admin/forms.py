"""Forms of the admin console (every one a FlaskForm, so every POST carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.models import NAME_MAX
from app.forms import NoControlCharacters
from app.i18n import LANGUAGE_NAMES
from app.policy import Role

UPLOAD_MAX = 5 * 1024 * 1024
ROLE_LABELS = {
    Role.STUDENT: _l("Student"),
    Role.REVIEWER: _l("Reviewer"),
    Role.ADMIN: _l("Administrator"),
}


class CohortForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])
    name = StringField(
        _l("Name of the group"),
        validators=[DataRequired(), Length(max=NAME_MAX), NoControlCharacters()],
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    default_locale = SelectField(
        _l("Default language"),
        choices=list(LANGUAGE_NAMES.items()),
        description=_l("For new students whose row in an enrolment file names no language."),
    )
    sequential = RadioField(
        _l("Modules"),
        choices=[("1", _l("Unlock in order")), ("0", _l("Open all at once"))],
        default="1",
    )
    # The settings as the form was loaded (see cohorts.update_cohort): a hidden field.
    loaded = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


class InviteForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(["regenerate", "close", "open"])])


class ArchiveForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: the group becomes read-only (no new students, no changes)."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Archive the group"))


class UploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l(
            "Columns: name, email and (optional) language kk, ru or en. UTF-8, comma or "
            "semicolon. Header names may be in English, Russian or Kazakh."
        ),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileSize(UPLOAD_MAX, message=_l("The file is larger than 5 MB.")),
        ],
    )
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    submit = SubmitField(_l("Enrol these students"))


class SendInvitationsForm(FlaskForm):
    submit = SubmitField(_l("Send the remaining invitations"))


class ReviewerForm(FlaskForm):
    email = EmailField(_l("Reviewer's email address"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Assign"))


class RemoveReviewerForm(FlaskForm):
    submit = SubmitField(_l("Remove"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(
        _l("Roles"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    submit = SubmitField(_l("Save roles"))


class ActiveForm(FlaskForm):
    submit = SubmitField(_l("Save"))


class RevokeForm(FlaskForm):
    reason = SelectField(_l("Reason"), validators=[DataRequired()])
    note = TextAreaField(
        _l("Note (kept in the audit log)"),
        validators=[Optional(), Length(max=2000), NoControlCharacters()],
    )
    submit = SubmitField(_l("Revoke the certificate"))


class RetryMailForm(FlaskForm):
    submit = SubmitField(_l("Try again"))


class SampleForm(FlaskForm):
    share = IntegerField(
        _l("Share to double-mark (%)"),
        default=10,
        validators=[
            InputRequired(_l("Give a share between 1 and 100.")),
            NumberRange(1, 100, message=_l("Give a share between 1 and 100.")),
        ],
    )
    seed = StringField(
        _l("Seed (optional)"),
        description=_l(
            "The same seed draws the same sample from the same waiting homework. Leave it empty "
            "for a new random seed; it is kept in the audit log."
        ),
        validators=[Optional(), Length(max=64), NoControlCharacters()],
    )
    submit = SubmitField(_l("Mark for double marking"))


class SettleForm(FlaskForm):
    chosen = RadioField(
        _l("Grade that stands"),
        choices=[("1", _l("First grade")), ("2", _l("Second grade"))],
        validators=[InputRequired(_l("Choose one of the two grades."))],
    )
    submit = SubmitField(_l("Settle and publish"))
