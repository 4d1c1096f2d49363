"""A module page's content in one language, kept in memory per course version (issue 19).

The lesson, the homework brief, the captions and the transcript are about 200 KB of JSON a
module in all languages; reading and decoding them on every visit of a module page cost a
statement and more CPU than the rest of the page. What one language's page shows of them is
kept in each worker, keyed by the module, the course's ``imported_at`` (an import that changes
anything moves it, as for the landing card) and the language, so a revisit reads none of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from app.extensions import db
from app.learning.content import LANGS, Picked, pick
from app.learning.models import Course, Module
from app.learning.outline import CourseOutline, ModuleOutline
from app.worker_cache import kept

MAX_ENTRIES = 300  # modules × languages × course versions; start afresh beyond


@dataclass(frozen=True)
class ModuleContent:
    lesson: Picked
    brief: Picked
    caption_langs: tuple[str, ...]  # the languages the video has captions in, in LANGS order
    transcript: tuple[str, ...]  # paragraphs, in ``transcript_lang``; empty when there is none
    transcript_lang: str
    transcript_html: Markup  # the paragraphs as <p> elements, escaped (rendered once)


def module_content(
    course: Course | CourseOutline, module: Module | ModuleOutline, lang: str
) -> ModuleContent:
    key = (module.id, course.imported_at, lang)
    return kept("tekser.module_content", key, lambda: _read(module.id, lang), MAX_ENTRIES)


def _read(module_id: int, lang: str) -> ModuleContent:
    row = db.session.execute(
        db.select(
            Module.lesson_html, Module.homework_html, Module.captions, Module.transcript
        ).where(Module.id == module_id)
    ).one()
    captions = row.captions or {}
    transcripts = row.transcript or {}
    # The transcript in the page's language, else in the language its captions fall back to.
    shown = lang if transcripts.get(lang) else pick(captions, lang).lang
    transcript = tuple(transcripts.get(shown) or ())
    return ModuleContent(
        lesson=pick(row.lesson_html, lang),
        brief=pick(row.homework_html, lang),
        caption_langs=tuple(code for code in LANGS if captions.get(code)),
        transcript=transcript,
        transcript_lang=shown,
        transcript_html=Markup("").join(Markup("<p>%s</p>") % p for p in transcript),
    )
