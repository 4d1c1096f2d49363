"""The agreement statistics against examples worked by hand (app/review/agreement.py)."""

from __future__ import annotations

import pytest

from app.review.agreement import (
    LINEAR,
    QUADRATIC,
    agreement,
    exact_agreement,
    weighted_kappa,
)


def table(counts: list[list[int]], scale: list[int]) -> list[tuple[int, int]]:
    """The pairs behind a contingency table (rows: first grader, columns: second)."""
    return [
        (scale[i], scale[j])
        for i, row in enumerate(counts)
        for j, n in enumerate(row)
        for _ in range(n)
    ]


def test_textbook_two_categories():
    """The worked example of the Wikipedia article "Cohen's kappa": 50 proposals, both readers
    say yes to 20 and no to 15, A yes/B no 5, A no/B yes 10. p_o = 0.7, p_e = 0.5, kappa = 0.4.
    With two categories every weighting is the unweighted kappa."""
    pairs = table([[20, 5], [10, 15]], [1, 0])
    assert exact_agreement(pairs) == pytest.approx(0.7)
    assert weighted_kappa(pairs, [0, 1], LINEAR) == pytest.approx(0.4)
    assert weighted_kappa(pairs, [0, 1], QUADRATIC) == pytest.approx(0.4)


def test_three_levels_by_hand():
    """Levels 0, 1, 2; table [[4,1,0],[1,3,1],[0,1,4]] (n = 15, every marginal 5).

    Exact: 11/15. Expected count per cell 5*5/15 = 5/3.
    Linear weights 0, 1/2, 1: observed disagreement 4 * 1/2 / 15 = 2/15; expected
    (5/3)(4 * 1/2 + 2 * 1) / 15 = 4/9; kappa = 1 - (2/15)/(4/9) = 0.7.
    Quadratic weights 0, 1/4, 1: observed 1/15; expected (5/3)(1 + 2)/15 = 1/3; kappa = 0.8.
    """
    pairs = table([[4, 1, 0], [1, 3, 1], [0, 1, 4]], [0, 1, 2])
    assert exact_agreement(pairs) == pytest.approx(11 / 15)
    assert weighted_kappa(pairs, [0, 1, 2], LINEAR) == pytest.approx(0.7)
    assert weighted_kappa(pairs, [0, 1, 2], QUADRATIC) == pytest.approx(0.8)


def test_unused_level_changes_the_linear_weights():
    """A scale 0..3 where level 3 is never used: the distances are out of 3, not 2.

    Pairs (0,0),(0,1),(1,1),(1,2),(2,2),(2,2): n = 6; first marginal 2,2,2,0, second 1,2,3,0.
    Observed weighted disagreement: 2 near misses * (1/3) / 6 = 1/9.
    Expected: sum over cells of w * r_i * c_j / 36 with w = |i-j|/3:
      r0: c1*1/3*2 + c2*2/3*2 = 2*2/3 + 3*4/3 = 4/3 + 4 = 16/3
      r1: c0*1/3*2 + c2*1/3*2 = 2/3 + 2 = 8/3
      r2: c0*2/3*2 + c1*1/3*2 = 4/3 + 4/3 = 8/3
      total 32/3 / 36 = 8/27. kappa = 1 - (1/9)/(8/27) = 1 - 3/8 = 0.625."""
    pairs = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 2)]
    assert weighted_kappa(pairs, [0, 1, 2, 3], LINEAR) == pytest.approx(0.625)


def test_perfect_and_opposite_agreement():
    assert weighted_kappa([(0, 0), (1, 1), (2, 2)], [0, 1, 2]) == pytest.approx(1.0)
    # Always the opposite ends: kappa below zero (worse than chance).
    assert weighted_kappa([(0, 2), (2, 0)], [0, 1, 2]) == pytest.approx(-1.0)


def test_undefined_cases():
    assert agreement([], [0, 1, 2]).kappa is None
    assert agreement([], [0, 1, 2]).exact is None
    # Every grade on one level: chance alone agrees perfectly, kappa is undefined.
    only = agreement([(1, 1), (1, 1)], [0, 1, 2])
    assert (only.n, only.exact, only.kappa) == (2, 1.0, None)


def test_ratings_outside_the_scale_are_refused():
    with pytest.raises(ValueError, match="outside the scale"):
        weighted_kappa([(0, 5)], [0, 1, 2])
    with pytest.raises(ValueError, match="unknown weights"):
        weighted_kappa([(0, 1)], [0, 1], "cubic")


def test_order_of_pairs_does_not_matter_and_symmetry():
    pairs = [(0, 1), (1, 1), (2, 1), (2, 2), (0, 0)]
    swapped = [(b, a) for a, b in reversed(pairs)]
    assert weighted_kappa(pairs, [0, 1, 2]) == pytest.approx(weighted_kappa(swapped, [0, 1, 2]))
