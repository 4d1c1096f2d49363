"""Reading an enrolment CSV as spreadsheets in Kazakhstan and Russia export it.

UTF-8 with or without a BOM (and UTF-16, Excel's "Unicode text"), comma, semicolon or tab,
header names in English, Russian or Kazakh. The file is read as a stream, row by row, so a
large file never sits in memory as text. Nothing here touches the database: each row comes
out cleaned, or with the reason it cannot be used.
"""

from __future__ import annotations

import codecs
import csv
import enum
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from app.auth.services import AccountError, clean_name, normalise_email

DEFAULT_MAX_ROWS = 20_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Reason(enum.StrEnum):
    """Why a row cannot be imported (translated when shown, so the preview is language-free)."""

    NAME_MISSING = "name_missing"
    NAME_INVALID = "name_invalid"
    EMAIL_MISSING = "email_missing"
    EMAIL_INVALID = "email_invalid"
    FORMULA = "formula"
    DUPLICATE = "duplicate"
    LANGUAGE_UNKNOWN = "language_unknown"
    OTHER_COHORT = "other_cohort"
    INACTIVE = "inactive"


class FileProblem(ValueError):
    """The file as a whole cannot be read; ``code`` and ``details`` say why."""

    def __init__(self, code: str, **details) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class Row:
    line: int
    name: str
    email: str
    locale: str | None
    reason: Reason | None = None
    detail: int | str | None = None


def _key(header: str) -> str:
    text = header.replace("\ufeff", "").strip().strip("*:").lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text)


# Header names people use, in English, Russian and Kazakh (compared after ``_key``).
COLUMNS = {
    "name": "name|full name|fullname|student|student name|first name|given name|имя|фио|"
    "ф.и.о.|ф.и.о|ф. и. о.|имя и фамилия|фамилия и имя|фамилия имя|фамилия, имя|имя студента|"
    "аты|аты-жөні|аты жөні|толық аты|толық аты-жөні|есімі|студенттің аты",
    "surname": "surname|last name|family name|фамилия|тегі",
    "email": "email|e-mail|e mail|mail|email address|e-mail address|почта|эл. почта|эл.почта|"
    "электронная почта|адрес электронной почты|e-mail адрес|пошта|эл. пошта|эл.пошта|"
    "электрондық пошта|электронды пошта",
    "language": "language|lang|locale|язык|язык обучения|тіл|оқу тілі",
}
REQUIRED = ("name", "email")
LANGUAGE_VALUES = {
    "kk": "kk|kz|kaz|kazakh|қаз|қазақ|қазақша|қазақ тілі|каз|казахский|казахский язык",
    "ru": "ru|rus|russian|рус|русский|русский язык|орыс|орысша|орыс тілі",
    "en": "en|eng|english|англ|английский|английский язык|ағылшын|ағылшынша|ағылшын тілі",
}
_LANGUAGE = {_key(a): code for code, aliases in LANGUAGE_VALUES.items() for a in aliases.split("|")}
_COLUMN = {_key(a): field for field, aliases in COLUMNS.items() for a in aliases.split("|")}


def map_header(cells: list[str]) -> dict[str, int]:
    """The position of each known column; the first matching column wins."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        field = _COLUMN.get(_key(cell))
        if field and field not in found:
            found[field] = position
    return found


def _encoding(stream: BinaryIO) -> str:
    start = stream.read(4)
    stream.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _looks_like_cp1251(stream: BinaryIO) -> bool:
    stream.seek(0)
    sample = stream.read(65536)
    try:
        text = sample.decode("cp1251")
    except UnicodeDecodeError:
        return False
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    return cyrillic >= 3


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cell(cells: list[str], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return cells[position]


def check_row(line: int, cells: list[str], columns: dict[str, int]) -> Row:
    """Clean one data row; ``reason`` is set when it cannot be imported."""
    raw_name = _cell(cells, columns["name"]).strip()
    raw_surname = _cell(cells, columns.get("surname")).strip()
    raw_email = _cell(cells, columns["email"]).strip()
    raw_lang = _cell(cells, columns.get("language")).strip()
    row = Row(line, " ".join(p for p in (raw_name, raw_surname) if p), raw_email, None)
    if any(value.startswith(FORMULA_START) for value in (raw_name, raw_surname, raw_email)):
        row.reason = Reason.FORMULA
        return row
    if not row.name:
        row.reason = Reason.NAME_MISSING
        return row
    try:
        row.name = clean_name(row.name)
    except AccountError:
        row.reason = Reason.NAME_INVALID
        return row
    if not raw_email:
        row.reason = Reason.EMAIL_MISSING
        return row
    try:
        row.email = normalise_email(raw_email)
    except AccountError:
        row.reason = Reason.EMAIL_INVALID
        return row
    if raw_lang:
        row.locale = _LANGUAGE.get(_key(raw_lang))
        if row.locale is None:
            row.reason, row.detail = Reason.LANGUAGE_UNKNOWN, raw_lang[:20]
    return row


def read_rows(
    stream: BinaryIO,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Row]:
    """Yield every non-blank data row, checked, with duplicates (by normalised email) marked.

    Raises ``FileProblem`` for what spoils the whole file: no header, missing columns, an
    encoding other than UTF-8/UTF-16, broken CSV, more than ``max_rows`` rows.
    """
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), newline="")
    try:
        yield from _rows(text, stream, max_rows, progress)
    finally:
        text.detach()  # the caller owns the byte stream


def _rows(text, stream, max_rows, progress) -> Iterator[Row]:
    line = 1
    try:
        first = text.readline()
        if not first.strip():
            raise FileProblem("empty")
        delimiter = _delimiter(first)
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
        columns = map_header(next(reader))
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise FileProblem("columns", missing=missing)
        seen: dict[str, int] = {}
        count = 0
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > max_rows:
                raise FileProblem("too_many_rows", limit=max_rows)
            row = check_row(line, cells, columns)
            if row.reason is None:
                first_line = seen.setdefault(row.email, line)
                if first_line != line:
                    row.reason, row.detail = Reason.DUPLICATE, first_line
            if progress and count % 1000 == 0:
                progress(count)
            yield row
    except UnicodeDecodeError:
        raise FileProblem("encoding", line=line + 1, cp1251=_looks_like_cp1251(stream)) from None
    except csv.Error:
        raise FileProblem("malformed", line=line + 1) from None
