"""Forms of the teaching screens: announcements, the cohort setting, nudges."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import NoControlCharacters
from app.learning.content import LANGS
from app.teaching.services import BODY_MAX, TITLE_MAX


class AnnouncementForm(FlaskForm):
    """A title and a text per language; fill in one to three (checked by the service)."""

    version = HiddenField()
    title_kk = StringField(
        _l("Title (Kazakh)"), validators=[Optional(), Length(max=TITLE_MAX), NoControlCharacters()]
    )
    body_kk = TextAreaField(
        _l("Text (Kazakh, Markdown)"), validators=[Optional(), Length(max=BODY_MAX)]
    )
    title_ru = StringField(
        _l("Title (Russian)"), validators=[Optional(), Length(max=TITLE_MAX), NoControlCharacters()]
    )
    body_ru = TextAreaField(
        _l("Text (Russian, Markdown)"), validators=[Optional(), Length(max=BODY_MAX)]
    )
    title_en = StringField(
        _l("Title (English)"), validators=[Optional(), Length(max=TITLE_MAX), NoControlCharacters()]
    )
    body_en = TextAreaField(
        _l("Text (English, Markdown)"), validators=[Optional(), Length(max=BODY_MAX)]
    )
    submit = SubmitField(_l("Publish"))

    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        titles = {lang: self[f"title_{lang}"].data or "" for lang in LANGS}
        bodies = {lang: self[f"body_{lang}"].data or "" for lang in LANGS}
        return titles, bodies

    def fill(self, titles: dict[str, str], bodies: dict[str, str]) -> None:
        for lang in LANGS:
            self[f"title_{lang}"].data = titles.get(lang, "")
            self[f"body_{lang}"].data = bodies.get(lang, "")


class AnnounceSettingForm(FlaskForm):
    reviewers_may_announce = BooleanField(_l("Reviewers of this group may post announcements"))
    submit = SubmitField(_l("Save"))


class NudgeForm(FlaskForm):
    """The students ticked (``student`` values) or everyone on the filter (``everyone``)."""

    everyone = BooleanField(_l("Everyone on this filter, on every page"))
    submit = SubmitField(_l("Send a nudge"))
