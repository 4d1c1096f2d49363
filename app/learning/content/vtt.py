"""A small WebVTT reader: enough to check authors' caption files and to make a transcript.

Not a full WebVTT implementation: cue settings and STYLE/REGION blocks are accepted and ignored,
which is all the module page needs (the browser reads the file itself for the ``<track>``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Hours are optional (mm:ss.ttt); when present they have at least two digits.
_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING_RE = re.compile(rf"^({_TIMESTAMP})[ \t]+-->[ \t]+({_TIMESTAMP})(?:[ \t]+.*)?$")
_HEADER_RE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_TAG_RE = re.compile(r"<[^>]*>")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]+)>")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'»”)]*$")

# What a caption may hold (courses/FORMAT.md): lines a phone shows whole, and cues read in time.
MAX_LINE_CHARS = 42
MAX_LINES = 2
MAX_CUE_SECONDS = 7.0


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str  # the payload as written, tags included
    line: int  # the line of the timing


@dataclass
class Captions:
    cues: list[Cue] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def _seconds(match: re.Match, first_group: int) -> float:
    hours, minutes, seconds, millis = match.group(*range(first_group, first_group + 4))
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(lines: list[str], start: int) -> Iterable[tuple[int, list[str]]]:
    """Runs of non-blank lines from index ``start``, each with the 1-based line it starts on."""
    block: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        if lines[index].strip():
            if not block:
                first = index + 1
            block.append(lines[index])
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def parse(text: str) -> Captions:
    """Read WebVTT ``text`` into cues, noting every problem with its line."""
    result = Captions()
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not _HEADER_RE.match(lines[0]):
        result.problems.append((1, "the first line must be WEBVTT"))
    # The header block runs to the first blank line; a timing in it means the blank is missing.
    index = 1
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:
            result.problems.append((index + 1, "a blank line must separate WEBVTT from the cues"))
            break
        index += 1
    for first, block in _blocks(lines, index):
        _read_block(result, first, block)
    if not result.cues and not result.problems:
        result.problems.append((1, "the captions have no cues"))
    return result


def _read_block(result: Captions, first: int, block: list[str]) -> None:
    head = block[0].strip()
    if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")):
        return
    if head in ("STYLE", "REGION"):
        if result.cues:
            result.problems.append((first, f"a {head} block must come before the first cue"))
        return
    # An optional cue identifier comes before the timing line.
    at = 0 if "-->" in block[0] else 1
    if at >= len(block) or "-->" not in block[at]:
        result.problems.append(
            (first, "expected a cue timing line like 00:00:01.000 --> 00:00:04.000")
        )
        return
    line = first + at
    match = _TIMING_RE.match(block[at].strip())
    if not match:
        result.problems.append(
            (line, f"malformed cue timing {block[at].strip()!r}; expected HH:MM:SS.mmm --> ...")
        )
        return
    start, end = _seconds(match, 2), _seconds(match, 7)
    if start >= end:
        result.problems.append(
            (line, f"the cue ends ({match.group(6)}) before or when it starts ({match.group(1)})")
        )
    if result.cues and start < result.cues[-1].start:
        result.problems.append((line, "the cue starts before the previous cue: keep cues in order"))
    payload = block[at + 1 :]
    for offset, text in enumerate(payload, start=1):
        if "-->" in text:
            result.problems.append((line + offset, "a blank line is missing before this cue"))
            payload = payload[: offset - 1]
            break
    if not any(_TAG_RE.sub("", text).strip() for text in payload):
        result.problems.append((line, "the cue has no text"))
    result.cues.append(Cue(start, end, "\n".join(payload), line))


def limit_problems(captions: Captions) -> list[tuple[int, str]]:
    """One note per limit the cues break (lines too long, too many lines, cues too long), with
    the first cue that breaks it and how many do."""
    broken: dict[str, list[int]] = {}
    for cue in captions.cues:
        lines = [_TAG_RE.sub("", line) for line in cue.text.split("\n")]
        if any(len(line.strip()) > MAX_LINE_CHARS for line in lines):
            broken.setdefault("line", []).append(cue.line)
        if len(lines) > MAX_LINES:
            broken.setdefault("lines", []).append(cue.line)
        if cue.end - cue.start > MAX_CUE_SECONDS + 0.0005:
            broken.setdefault("seconds", []).append(cue.line)
    limits = {
        "line": f"longer than {MAX_LINE_CHARS} characters a line",
        "lines": f"more than {MAX_LINES} lines",
        "seconds": f"longer than {MAX_CUE_SECONDS:g} seconds",
    }
    return [
        (
            lines[0],
            f"{len(lines)} cue{'s' * (len(lines) != 1)} {'are' if len(lines) != 1 else 'is'} "
            f"{limits[kind]} (the first here); `flask courses render-videos` re-breaks them",
        )
        for kind, lines in broken.items()
    ]


def timestamp(seconds: float) -> str:
    """``seconds`` as a WebVTT timestamp, ``HH:MM:SS.mmm``."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def plain_text(text: str) -> str:
    """A cue's payload without tags and entities, on one line."""
    return _plain(text)[1]


def _plain(text: str) -> tuple[str | None, str]:
    """The speaker named by a ``<v Name>`` tag (if any) and the text without tags."""
    voice = _VOICE_RE.search(text)
    plain = html.unescape(_TAG_RE.sub("", text))
    return (voice.group(1).strip() if voice else None), " ".join(plain.split())


def transcript(cues: Iterable[Cue], *, pause: float = 2.0, length: int = 500) -> list[str]:
    """The cues' text as readable paragraphs.

    Cues are short and break mid-sentence, so they are joined; a new paragraph starts when the
    speaker changes, after a pause longer than ``pause`` seconds, or at the end of a sentence
    once the paragraph has ``length`` characters.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    speaker: str | None = None
    last_end = 0.0
    for cue in cues:
        voice, text = _plain(cue.text)
        if not text:
            continue
        size = sum(len(part) + 1 for part in current)
        if current and (
            (voice is not None and voice != speaker)
            or cue.start - last_end > pause
            or (size >= length and _SENTENCE_END_RE.search(current[-1]))
        ):
            paragraphs.append(" ".join(current))
            current = []
        current.append(text)
        speaker = voice if voice is not None else speaker
        last_end = cue.end
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs
