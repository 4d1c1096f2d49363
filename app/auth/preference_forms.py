"""The forms of a person's own settings: time zone, mail preferences, calendar feed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import ValidationError

from app.mail.kinds import LABELS, Kind


def _known_zone(form, field):
    if field.data and field.data not in form.zone_names:
        raise ValidationError(_l("Choose a time zone from the list."))


class PreferencesForm(FlaskForm):
    timezone = SelectField(
        _l("Time zone"),
        description=_l("Dates and times are shown in this zone."),
        validators=[_known_zone],
        validate_choice=False,  # checked against the zone list above, with our message
    )
    submit = SubmitField(_l("Save preferences"))

    def __init__(self, zone_names: list[str], kinds: tuple[Kind, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.zone_names = set(zone_names)
        self.kinds = kinds
        self.timezone.choices = [
            ("", _l("The time zone of my group")),
            *[(n, n) for n in zone_names],
        ]

    def kind_fields(self):
        return [self[f"mail_{kind}"] for kind in self.kinds]

    @classmethod
    def for_kinds(cls, kinds: tuple[Kind, ...]) -> type[PreferencesForm]:
        """The form with one "send me ..." checkbox per kind of mail in ``kinds``."""
        fields = {f"mail_{kind}": BooleanField(LABELS[kind]) for kind in kinds}
        return type("PreferencesFormWithKinds", (cls,), fields)


class CalendarForm(FlaskForm):
    submit = SubmitField(_l("Make a new calendar link"))


class RevokeCalendarForm(FlaskForm):
    submit = SubmitField(_l("Turn the calendar link off"))


class UnsubscribeForm(FlaskForm):
    # The one-click POST comes from mail clients without a CSRF token (the signed link is
    # the proof), so this form's CSRF check is off; see app/auth/preferences.py.
    class Meta:
        csrf = False

    submit = SubmitField(_l("Unsubscribe"))
