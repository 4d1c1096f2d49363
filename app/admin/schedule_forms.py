"""Forms of a cohort's schedule screens: its dates, time zone and late policy; extensions."""

from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TimeField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Email, NumberRange, Optional, ValidationError

from app.cohorts.models import EXTENSION_DAYS_MAX, LATE_ACCEPT, LATE_REFUSE

LATE_CHOICES = [
    (LATE_ACCEPT, _l("Accept late work and mark it late")),
    (LATE_REFUSE, _l("Refuse work after the due date (a hard deadline)")),
]


class ModuleDatesForm(SubForm):
    """One module's dates (the CSRF token is the enclosing form's)."""

    module_id = HiddenField()
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    due_on = DateField(_l("Homework due on"), validators=[Optional()])
    due_time = TimeField(_l("Due at (time)"), default=time(23, 59), validators=[Optional()])

    def validate_due_on(self, field):
        if bool(self.opens_on.data) != bool(field.data):
            raise ValidationError(_l("Enter both dates, or neither for no dates."))


class ScheduleForm(FlaskForm):
    timezone = SelectField(_l("Time zone of the group"), validate_choice=False)
    late_policy = RadioField(_l("Late work"), choices=LATE_CHOICES, default=LATE_ACCEPT)
    modules = FieldList(FormField(ModuleDatesForm))
    submit = SubmitField(_l("Save the schedule"))

    def __init__(self, zone_names: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.zone_names = set(zone_names)
        self.timezone.choices = [(n, n) for n in zone_names]

    def validate_timezone(self, field):
        if field.data not in self.zone_names:
            raise ValidationError(_l("Choose a time zone from the list."))


class ResetScheduleForm(FlaskForm):
    submit = SubmitField(_l("Use the course's default dates"))


class ExtensionForm(FlaskForm):
    email = EmailField(
        _l("Student's email address"),
        validators=[DataRequired(_l("Enter the student's email address.")), Email()],
    )
    module = SelectField(_l("For"), coerce=int)
    days = IntegerField(
        _l("Extra days"),
        validators=[
            DataRequired(_l("Enter a number of days.")),
            NumberRange(
                min=1,
                max=EXTENSION_DAYS_MAX,
                message=_l(
                    "An extension is %(min)d to %(max)d days.", min=1, max=EXTENSION_DAYS_MAX
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Grant the extension"))


class RemoveExtensionForm(FlaskForm):
    submit = SubmitField(_l("Remove"))
