"""The played-ranges functions (app/learning/watching.py): parsing a report, merging, the
union's length and the watched share."""

import json

import pytest

from app.learning import watching
from app.learning.watching import BadReport


def test_overlapping_ranges_merge_into_one():
    assert watching.normalise([(0, 10), (5, 20), (18, 25)], 100) == [(0, 25)]


def test_out_of_order_ranges_are_sorted_then_merged():
    assert watching.normalise([(50, 60), (0, 10), (8, 12), (30, 40)], 100) == [
        (0, 12),
        (30, 40),
        (50, 60),
    ]


def test_touching_ranges_merge_and_a_gap_stays_a_gap():
    assert watching.normalise([(0, 10), (10, 20)], 100) == [(0, 20)]
    assert watching.normalise([(0, 10), (10.1, 20)], 100) == [(0, 10), (10.1, 20)]


def test_ranges_are_clamped_to_the_duration_and_rounded_to_a_tenth():
    assert watching.normalise([(95.04, 130), (140, 150), (0.26, 1.04)], 100) == [
        (0.3, 1.0),
        (95.0, 100.0),
    ]


def test_empty_ranges_count_nothing():
    assert watching.normalise([(5, 5), (7.01, 7.04)], 100) == []
    assert watching.played_seconds([]) == 0


def test_merge_adds_a_report_to_what_was_stored():
    stored = [(0, 30)]
    assert watching.merge(stored, [(20, 45), (60, 70)], 100) == [(0, 45), (60, 70)]
    # The same cumulative report sent twice counts once.
    twice = watching.merge(watching.merge([], [(0, 30)], 100), [(0, 30)], 100)
    assert watching.played_seconds(twice) == 30


def test_a_seek_to_the_end_counts_only_what_was_played_there():
    ranges = watching.merge([], [(0, 4.2), (97.5, 100)], 100)
    assert watching.played_seconds(ranges) == pytest.approx(6.7)
    assert not watching.is_watched(ranges, 100, 0.9)


def test_the_share_applies_to_the_union():
    ranges = watching.merge([], [(0, 50), (40, 80), (85, 95)], 100)
    assert watching.played_seconds(ranges) == 90
    assert watching.is_watched(ranges, 100, 0.9)
    assert not watching.is_watched(ranges, 100, 0.95)
    assert not watching.is_watched(ranges, None, 0.9)  # no duration: no share to measure
    assert not watching.is_watched(ranges, 0, 0.9)


def test_the_stored_ranges_are_capped_dropping_the_shortest():
    # 20 one-second ranges among three-second ones, in a shuffled order.
    many = [(i * 10, i * 10 + (1 if i % 5 == 0 else 3)) for i in range(100)]
    many = many[::2] + many[1::2]
    kept = watching.merge([], many, None)
    assert len(kept) == watching.MAX_STORED_RANGES
    assert kept == sorted(kept)
    assert {e - s for s, e in kept} == {3}  # the shortest went first
    assert watching.played_seconds(kept) == 3 * watching.MAX_STORED_RANGES


def test_a_report_parses():
    assert watching.parse_ranges("[[0, 12.5], [30, 31]]") == [(0, 12.5), (30, 31)]
    assert watching.parse_ranges("") == [] and watching.parse_ranges(None) == []
    assert watching.parse_ranges("[]") == []
    assert watching.parse_position("42.7") == 42.7
    assert watching.parse_position(None) is None


HOSTILE_RANGES = [
    "[[-1, 5]]",  # negative
    "[[5, 2]]",  # ends before it starts
    "[[NaN, 5]]",
    "[[0, Infinity]]",
    "[[-Infinity, 0]]",
    "[[0, 1e400]]",  # overflows to inf
    "[[0, " + "9" * 400 + "]]",  # a huge int
    "[[0, " + "9" * 5000 + "]]",  # past Python's int parsing limit
    '[["0", "5"]]',  # strings
    "[[true, false]]",
    "[[null, 5]]",
    "[[0, 5, 7]]",
    "[[0]]",
    "[0, 5]",
    '{"0": 5}',
    "5",
    '"[[0, 5]]"',
    "[[0, 86401]]",  # past 24 hours
    "[[0, 5]",  # broken JSON
    "[" * 3000 + "]" * 3000,  # deep nesting
    "x" * (watching.MAX_FIELD_CHARS + 1),
    json.dumps([[i, i + 1] for i in range(watching.MAX_RANGES_PER_REPORT + 1)]),
]


@pytest.mark.parametrize("text", HOSTILE_RANGES, ids=range(len(HOSTILE_RANGES)))
def test_hostile_ranges_are_refused(text):
    with pytest.raises(BadReport):
        watching.parse_ranges(text)


@pytest.mark.parametrize("text", ["-1", "nan", "inf", "-inf", "1e400", "lots", "86401", "9" * 40])
def test_hostile_positions_are_refused(text):
    with pytest.raises(BadReport):
        watching.parse_position(text)


def test_the_most_ranges_a_report_may_carry_parse():
    text = json.dumps([[i * 2, i * 2 + 1] for i in range(watching.MAX_RANGES_PER_REPORT)])
    assert len(watching.parse_ranges(text)) == watching.MAX_RANGES_PER_REPORT


def test_stored_ranges_read_defensively():
    assert watching.stored_ranges([[0, 5], [3, 9]]) == [(0, 9)]
    assert watching.stored_ranges(None) == []
    assert watching.stored_ranges("[[0, 5]]") == []
    assert watching.stored_ranges([[0, "5"], [1], "x", [2, 1], [10, 12]]) == [(10, 12)]


def test_resume_position():
    assert watching.resume_at(42.34, 100) == 42.3
    assert watching.resume_at(96, 100) == 0  # finished: from the start
    assert watching.resume_at(96, None) == 96  # unknown length: where it stopped
    assert watching.resume_at(10.5, 12) == 10.5  # a short clip: within its last tenth only
    assert watching.resume_at(10.9, 12) == 0
    assert watching.resume_at(None, 100) == 0
    assert watching.resume_at("42", 100) == 0
    assert watching.resume_at(-3, 100) == 0
