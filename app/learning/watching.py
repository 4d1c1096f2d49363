"""Watched time: the parts of a lesson video (or its audio) a student actually played.

The page's script reports the time ranges the player played; the server keeps their union per
language, so seeking to the end counts only the seconds played there, and the course's
``video_watched_share`` applies to that union over the video's duration. Pure functions: no
database, no request. Everything a client sends is bounded here (ADR 0025).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

Range = tuple[float, float]

MAX_SECONDS = 24 * 3600  # no lesson video is longer; anything beyond is not a time
MAX_FIELD_CHARS = 4096  # the ``ranges`` field of one report
MAX_RANGES_PER_REPORT = 50
MAX_STORED_RANGES = 64  # per module and language, after merging
NEAR_END = 5.0  # seconds (at most a tenth of the video): a stop this close to the end resumes
# from the start


class BadReport(ValueError):
    """A progress report that is not what the page's script sends (answered 400)."""


def _reject_constant(name: str) -> Any:
    raise BadReport(f"{name} is not a time")


def _seconds(value: Any) -> float:
    # bool is an int in Python, and json has true/false: neither is a time.
    if type(value) not in (int, float):
        raise BadReport("a time must be a number")
    if isinstance(value, int) and not 0 <= value <= MAX_SECONDS:
        raise BadReport("a time must be between 0 and 24 hours")  # float(10**400) overflows
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_SECONDS:
        raise BadReport("a time must be between 0 and 24 hours")
    return number


def parse_ranges(text: str | None) -> list[Range]:
    """The ``ranges`` field of a report: a JSON list of ``[start, end]`` pairs in seconds, at
    most ``MAX_RANGES_PER_REPORT`` of them, each with ``0 <= start <= end <= 24 h``. Anything
    else raises ``BadReport``; a missing field is no ranges."""
    if text is None or text == "":
        return []
    if len(text) > MAX_FIELD_CHARS:
        raise BadReport("too many characters")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, huge ints, deep nesting
        raise BadReport("not a list of ranges") from exc
    if not isinstance(data, list):
        raise BadReport("not a list of ranges")
    if len(data) > MAX_RANGES_PER_REPORT:
        raise BadReport("too many ranges")
    ranges: list[Range] = []
    for item in data:
        if not isinstance(item, list) or len(item) != 2:
            raise BadReport("a range is a pair [start, end]")
        start, end = _seconds(item[0]), _seconds(item[1])
        if start > end:
            raise BadReport("a range ends before it starts")
        ranges.append((start, end))
    return ranges


def parse_position(text: str | None) -> float | None:
    """The ``position`` field: where playback stands, in seconds (None when not sent)."""
    if text is None or text == "":
        return None
    if len(text) > 32:
        raise BadReport("not a time")
    try:
        number = float(text)  # accepts "nan" and "inf": _seconds refuses them
    except ValueError as exc:
        raise BadReport("not a time") from exc
    return _seconds(number)


def _tenth(value: float) -> float:
    return round(value, 1) + 0.0  # + 0.0: never -0.0


def normalise(ranges: Iterable[Sequence[float]], duration: float | None) -> list[Range]:
    """Clamped to the video (``[0, duration]``, or 24 h while the duration is unknown), rounded
    to a tenth of a second, sorted, and overlapping or touching ranges merged into one."""
    limit = float(duration) if duration and duration > 0 else float(MAX_SECONDS)
    clamped = sorted(
        (_tenth(max(0.0, min(s, limit))), _tenth(max(0.0, min(e, limit)))) for s, e in ranges
    )
    merged: list[Range] = []
    for start, end in clamped:
        if end <= start:
            continue  # empty (or wholly past the end): nothing played
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def merge(
    stored: Iterable[Sequence[float]], new: Iterable[Sequence[float]], duration: float | None
) -> list[Range]:
    """The union of what was stored and what a report adds, at most ``MAX_STORED_RANGES``
    ranges: past the cap the shortest are dropped (counting less than was played, never more
    than was played, as closing gaps would)."""
    union = normalise([*stored, *new], duration)
    if len(union) > MAX_STORED_RANGES:
        longest = sorted(union, key=lambda r: (r[1] - r[0], -r[0]), reverse=True)
        union = sorted(longest[:MAX_STORED_RANGES])
    return union


def played_seconds(ranges: Iterable[Sequence[float]]) -> float:
    """The length of the union (the ranges are normalised: no overlaps)."""
    return _tenth(sum(end - start for start, end in ranges))


def is_watched(ranges: Iterable[Sequence[float]], duration: float | None, share: float) -> bool:
    """Whether the played union reaches the course's share of the video. An unknown duration
    never counts: without it no share can be measured."""
    if not duration or duration <= 0:
        return False
    # A tenth of a second of slack for the rounding of the stored ranges.
    return played_seconds(ranges) + 0.05 >= share * duration


def stored_ranges(value: Any) -> list[Range]:
    """Ranges as stored in the database, read defensively (a row edited by hand, or written by
    an older version, gives what can be read of it and never an error)."""
    if not isinstance(value, list):
        return []
    found: list[Range] = []
    for item in value[: MAX_STORED_RANGES * 2]:
        try:
            start, end = _seconds(item[0]), _seconds(item[1])
        except (BadReport, TypeError, IndexError, KeyError):
            continue
        if start < end:
            found.append((start, end))
    return normalise(found, None)


def resume_at(position: Any, duration: float | None) -> float:
    """Where playback should start again: the last position, or 0 when there is none or it is
    within ``NEAR_END`` seconds (a tenth of a short video) of the end: the student finished,
    so play from the start."""
    try:
        at = _seconds(position)
    except BadReport:
        return 0.0
    if duration and duration > 0 and at >= duration - min(NEAR_END, duration / 10):
        return 0.0
    return _tenth(at)
