import re

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Length, Optional, ValidationError

from app.forms import NoControlCharacters
from app.homework.models import (
    CLAIM_MAX,
    MAX_EVIDENCE,
    METHOD_MAX,
    NOTE_MAX,
    PLATFORM_MAX,
    REASONING_MAX,
    URL_MAX,
    VERDICT_LABELS,
    Submission,
    Verdict,
)
from app.homework.services import FactCheck, HomeworkError, safe_url

_too_long = _l("This text is too long (at most %(max)d characters).")
MIN_EMPTY_ROWS = 2  # empty evidence rows shown after the filled ones (and 3 rows at least)


def _url(form, field):
    if field.data:
        try:
            field.data = safe_url(field.data)
        except HomeworkError as exc:
            raise ValidationError(str(exc)) from exc


def bad_file_name(name: str) -> bool:
    """Browsers send a bare file name; one with a path in it comes from a crafted request. The
    name is never used to store the file, but such a file is refused, not quietly renamed."""
    return (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    )


BAD_FILE_NAME = _l("The file name is not allowed. Rename the file and try again.")
TOO_MANY_ROWS = _l("You can add at most %(n)d evidence links.", n=MAX_EVIDENCE)
_ROW_KEY = re.compile(r"evidence-(\d{1,9})-")


def _evidence_rows(form, field):
    """The list keeps the first ``MAX_EVIDENCE`` rows of a longer post and drops the rest without
    a word; refuse such a post instead, so no link is lost unseen."""
    posted = {m.group(1) for key in request.form if (m := _ROW_KEY.match(key))}
    if len(posted) > MAX_EVIDENCE:
        raise ValidationError(str(TOO_MANY_ROWS))


class EvidenceForm(Form):
    url = URLField(
        _l("Link"), validators=[Optional(), Length(max=URL_MAX, message=_too_long), _url]
    )
    note = StringField(
        _l("What it shows"),
        validators=[Optional(), Length(max=NOTE_MAX, message=_too_long), NoControlCharacters()],
    )

    def validate_note(self, field):
        if field.data and not self.url.data:
            raise ValidationError(_l("Add the link this note is about."))


class FactCheckForm(FlaskForm):
    version = HiddenField()
    claim = TextAreaField(
        _l("The claim"),
        description=_l("Quote or describe exactly what is claimed, in one or two sentences."),
        validators=[Length(max=CLAIM_MAX, message=_too_long), NoControlCharacters()],
    )
    claim_url = URLField(
        _l("Where you saw it (link)"),
        validators=[Optional(), Length(max=URL_MAX, message=_too_long), _url],
    )
    platform = StringField(
        _l("Platform"),
        description=_l("For example Telegram, Instagram, WhatsApp, a website."),
        validators=[Optional(), Length(max=PLATFORM_MAX, message=_too_long), NoControlCharacters()],
    )
    verdict = RadioField(
        _l("Verdict"),
        choices=list(VERDICT_LABELS.items()),
        validators=[Optional()],
        validate_choice=True,
    )
    evidence = FieldList(
        FormField(EvidenceForm),
        min_entries=3,
        max_entries=MAX_EVIDENCE,
        validators=[_evidence_rows],
    )
    method = TextAreaField(
        _l("Method and tools"),
        description=_l("Which steps and tools you used, for example reverse image search."),
        validators=[Length(max=METHOD_MAX, message=_too_long), NoControlCharacters()],
    )
    reasoning = TextAreaField(
        _l("Reasoning"),
        description=_l("Why the evidence supports your verdict."),
        validators=[Length(max=REASONING_MAX, message=_too_long), NoControlCharacters()],
    )
    screenshots = MultipleFileField(
        _l("Add screenshots"),
        description=_l("PNG, JPEG or WebP, up to 5 in all."),
    )
    remove = SelectMultipleField(_l("Remove"), choices=[], coerce=int, validate_choice=False)
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit for review"))
    # Saves the draft and shows one more empty evidence row (the script adds rows without the
    # round trip; this button is how it works without JavaScript).
    add_row = SubmitField(_l("Add another link"))

    def to_fact_check(self) -> FactCheck:
        """What the student typed, cleaned, for the services (after ``validate``): texts
        stripped, empty optional fields as None, evidence rows without a link left out."""
        return FactCheck(
            claim=(self.claim.data or "").strip(),
            claim_url=self.claim_url.data or None,
            platform=(self.platform.data or "").strip() or None,
            verdict=Verdict(self.verdict.data) if self.verdict.data else None,
            method=(self.method.data or "").strip(),
            reasoning=(self.reasoning.data or "").strip(),
            evidence=[
                (e.url.data, (e.note.data or "").strip()) for e in self.evidence if e.url.data
            ],
        )

    def fill_from(self, submission: Submission | None, rows: int = 0) -> None:
        """Show ``submission`` to edit, or an empty form for a first draft (None; no version,
        so a second "Save" of it is a conflict, not a second draft). Empty evidence rows follow
        the filled ones, at least ``rows`` rows in all (the "add another link" button)."""
        submission = submission or Submission(claim="", method="", reasoning="", version=None)
        self.version.data = "" if submission.version is None else submission.version
        self.claim.data = submission.claim
        self.claim_url.data = submission.claim_url
        self.platform.data = submission.platform
        self.verdict.data = submission.verdict.value if submission.verdict else None
        self.method.data = submission.method
        self.reasoning.data = submission.reasoning
        while self.evidence.entries:
            self.evidence.pop_entry()
        filled = [(e.url, e.note) for e in submission.evidence]
        shown = max(len(filled) + max(3 - len(filled), MIN_EMPTY_ROWS), rows)
        for url, note in (filled + [("", "")] * shown)[: min(shown, self.evidence.max_entries)]:
            self.evidence.append_entry({"url": url, "note": note})

    def offer_removal(self, submission: Submission | None) -> None:
        """The screenshots the "Remove" boxes may name: those of the attempt shown."""
        shots = submission.screenshots if submission is not None else []
        self.remove.choices = [(s.id, str(s.position)) for s in shots]

    def loaded_version(self) -> int:
        """The version the form was loaded with; 0 for a form loaded before any draft existed
        (so a second click on its "Save" is a conflict, not a second copy of its screenshots)
        and for anything that is not a number."""
        raw = self.version.data or ""
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0

    def error_links(self) -> list[tuple[str, str]]:
        """(element id, message) for each error, in page order, for the error summary."""
        links = []
        for f in self:
            if f.type == "FieldList":
                for n, entry in enumerate(f.entries, 1):
                    for sub in entry.form:
                        label = _("Evidence %(n)d, %(field)s", n=n, field=sub.label.text)
                        links += [(sub.id, f"{label}: {e}") for e in sub.errors]
                first = f.entries[0].form.url.id if f.entries else f.id
                links += [(first, str(e)) for e in f.errors if not isinstance(e, list | dict)]
            elif f.errors:
                target = f"{f.id}-0" if f.type == "RadioField" else f.id
                links += [(target, f"{f.label.text}: {e}") for e in f.errors]
        return links


class RevisionForm(FlaskForm):
    submit = SubmitField(_l("Revise and resubmit"))


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark as read"))


class MarkAllReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))
