from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.homework.models import FEEDBACK_MAX, Decision
from app.learning.content import pick

CHOOSE_DECISION = _l("Choose whether to accept the homework or return it.")
CHOOSE_LEVEL = _l("Choose a level for every criterion.")
TOO_LONG = _l("Some text is too long.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ClaimNextForm(FlaskForm):
    submit = SubmitField(_l("Review next"))


class ClaimForm(FlaskForm):
    submit = SubmitField(_l("Start reviewing"))


class ReleaseForm(FlaskForm):
    submit = SubmitField(_l("Give back to the queue"))


def criterion_field(criterion_id: int) -> str:
    return f"c-{criterion_id}"


def criterion_feedback_field(criterion_id: int) -> str:
    return f"f-{criterion_id}"


class GradeForm(FlaskForm):
    """The version, the decision and the overall feedback; ``for_module`` adds the rubric (a
    level and a note per criterion). Whatever is wrong with a field, the reviewer is told in
    the rubric's own words, once: see ``problems``."""

    version = HiddenField()
    decision = RadioField(
        _l("Decision"),
        choices=[
            (Decision.ACCEPT.value, _l("Accept")),
            (Decision.RETURN.value, _l("Return for revision")),
        ],
        validators=[InputRequired()],
    )
    feedback = TextAreaField(
        _l("Overall feedback"), filters=[_strip], validators=[Length(max=FEEDBACK_MAX)]
    )

    criterion_ids: tuple[int, ...] = ()

    @classmethod
    def for_module(cls, module, lang: str | None = None) -> type[GradeForm]:
        """A form class for ``module``'s rubric: per criterion a choice of its levels (points;
        labels in ``lang``, the interface's language by default) and a feedback box."""
        lang = lang or str(get_locale())
        fields: dict = {"criterion_ids": tuple(c.id for c in module.criteria)}
        for criterion in module.criteria:
            fields[criterion_field(criterion.id)] = RadioField(
                str(pick(criterion.title, lang)),
                choices=[
                    (level["points"], f"{pick(level['label'], lang)} ({level['points']})")
                    for level in criterion.levels
                ],
                coerce=int,
                validators=[InputRequired()],
            )
            fields[criterion_feedback_field(criterion.id)] = TextAreaField(
                _l("Feedback on this criterion"),
                filters=[_strip],
                validators=[Length(max=FEEDBACK_MAX)],
            )
        return type(f"{cls.__name__}ForModule{module.id}", (cls,), fields)

    def unexpected(self, names: Iterable[str]) -> list[str]:
        """The posted field names this form does not have (a forged request), sorted."""
        return sorted(set(names) - {field.name for field in self})

    def version_number(self) -> int | None:
        """The version the form was loaded with; None unless it is a plain number (forged)."""
        raw = self.version.data or ""
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

    def problems(self) -> list[str]:
        """After ``validate``: what the reviewer must fix, each once, in the page's order."""
        found = []
        if self.decision.errors:
            found.append(str(CHOOSE_DECISION))
        if any(self[criterion_field(cid)].errors for cid in self.criterion_ids):
            found.append(str(CHOOSE_LEVEL))
        notes = [self[criterion_feedback_field(cid)] for cid in self.criterion_ids]
        if any(field.errors for field in [*notes, self.feedback]):
            found.append(str(TOO_LONG))
        return found

    def scores(self) -> dict[int, tuple[int, str]]:
        """Criterion id to (points, feedback), after a successful ``validate``."""
        return {
            cid: (self[criterion_field(cid)].data, self[criterion_feedback_field(cid)].data or "")
            for cid in self.criterion_ids
        }

    def overall_feedback(self) -> str:
        return self.feedback.data or ""
