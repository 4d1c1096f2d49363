"""Breaking a script into caption cues: at most two lines of 42 characters and 7 seconds.

Pure text work. A script is split into sentences; a sentence that does not fit one cue is cut
in two at the boundary nearest its middle (a clause — after a comma, colon, semicolon or dash —
before a plain word, before a cut inside an overlong word such as a URL), again and again until
every piece fits. How long a piece takes to say comes from ``measure`` (the speech engine), so
the 7-second limit is kept against the real audio. Neighbouring pieces are then joined back
while the join still fits, so short sentences share a cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.learning.content.vtt import MAX_CUE_SECONDS, MAX_LINE_CHARS, MAX_LINES

# A sentence ends at . ! ? or … (with closing quotes or brackets) before a space; when a
# lowercase letter follows, it does not ("т. е. так"; "lookup.icann.org" has no space).
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'»”)\]]*\s+")
_CLAUSE_END = (",", ";", ":", "—", "–")
# Pauses between pieces of speech: inside a sentence, and after a sentence.
CLAUSE_PAUSE = 0.15
SENTENCE_PAUSE = 0.4


@dataclass(frozen=True)
class Piece:
    """A stretch of the script spoken in one breath: its text and whether a sentence ends it."""

    text: str
    sentence_end: bool


def normalise(text: str) -> str:
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """``text`` cut at sentence ends (a following lowercase letter keeps the sentence whole)."""
    text = normalise(text)
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        after = text[match.end() : match.end() + 1]
        if after and after.islower():
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return found


def _hard_break(word: str, width: int) -> list[str]:
    """An overlong word (a URL) in pieces of at most ``width``, after a / . - ? & = if one is
    near the end of each piece."""
    parts: list[str] = []
    while len(word) > width:
        cut = max((word.rfind(c, width // 2, width) for c in "/.-?&=_"), default=-1)
        cut = cut + 1 if cut > 0 else width
        parts.append(word[:cut])
        word = word[cut:]
    return [*parts, word] if word else parts


def wrap(text: str, width: int = MAX_LINE_CHARS) -> list[str]:
    """``text`` as caption lines of at most ``width`` characters: one line if it fits, else
    two balanced lines (breaking after a clause when that costs little), or more when even two
    do not hold it (the caller then cuts the cue)."""
    text = normalise(text)
    if len(text) <= width:
        return [text] if text else []
    words = [part for word in text.split(" ") for part in _hard_break(word, width)]
    best: tuple[float, list[str]] | None = None
    for at in range(1, len(words)):
        first, second = " ".join(words[:at]), " ".join(words[at:])
        if len(first) > width or len(second) > width:
            continue
        # Balanced lines, with a bonus for breaking after punctuation.
        cost = abs(len(first) - len(second)) - (8 if first.endswith(_CLAUSE_END) else 0)
        if best is None or cost < best[0]:
            best = (cost, [first, second])
    if best is not None:
        return best[1]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def fits(text: str) -> bool:
    """Whether ``text`` fits one cue's lines."""
    return len(wrap(text)) <= MAX_LINES


def split(text: str) -> tuple[str, str] | None:
    """``text`` in two, at the clause boundary nearest the middle, else the word boundary
    nearest it, else inside the longest word; ``None`` if it is a single character."""
    words = normalise(text).split(" ")
    if len(words) > 1:
        middle = len(text) / 2
        at_clause = [
            i for i in range(1, len(words)) if words[i - 1].endswith(_CLAUSE_END) and words[i]
        ]

        def distance(i: int) -> float:
            return abs(len(" ".join(words[:i])) - middle)

        candidates = at_clause or list(range(1, len(words)))
        at = min(candidates, key=distance)
        # A clause far off the middle (a short lead-in) loses to a plain word boundary.
        if at_clause and distance(at) > len(text) / 4:
            at = min(range(1, len(words)), key=distance)
        return " ".join(words[:at]), " ".join(words[at:])
    word = words[0]
    if len(word) < 2:
        return None
    parts = _hard_break(word, max(1, len(word) // 2 + 1))
    return parts[0], "".join(parts[1:])


def pieces(script: str, measure: Callable[[str], float]) -> list[Piece]:
    """The script cut into pieces that each fit a cue on their own."""
    found: list[Piece] = []
    for sentence in sentences(script):
        parts = _fit(sentence, measure)
        found += [Piece(part, i == len(parts) - 1) for i, part in enumerate(parts)]
    return found


def _fit(text: str, measure: Callable[[str], float]) -> list[str]:
    if fits(text) and measure(text) <= MAX_CUE_SECONDS:
        return [text]
    halves = split(text)
    if halves is None:
        return [text]
    return _fit(halves[0], measure) + _fit(halves[1], measure)


def group(found: list[Piece], measure: Callable[[str], float]) -> list[list[Piece]]:
    """Neighbouring pieces joined into cues while the cue still fits its lines and, spoken
    with the pauses between its pieces, its seconds."""
    cues: list[list[Piece]] = []
    seconds = 0.0
    for piece in found:
        length = measure(piece.text)
        if cues:
            last = cues[-1]
            pause = SENTENCE_PAUSE if last[-1].sentence_end else CLAUSE_PAUSE
            joined = " ".join(p.text for p in [*last, piece])
            if fits(joined) and seconds + pause + length <= MAX_CUE_SECONDS:
                last.append(piece)
                seconds += pause + length
                continue
        cues.append([piece])
        seconds = length
    return cues
