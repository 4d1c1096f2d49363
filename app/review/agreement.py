"""Agreement between two graders: exact agreement and weighted Cohen's kappa.

Pure functions over pairs ``(first, second)`` of ordinal ratings (a rubric criterion's level
points). No database, no Flask: ``tests/review/test_agreement_stats.py`` checks them against
hand-worked examples.

Weighted kappa (Cohen 1968) counts a near miss as partly agreeing. With ``k`` ordered
categories and ``i``, ``j`` the positions of two ratings, the disagreement weight is
``|i - j| / (k - 1)`` (linear, the dashboard's choice: one level apart on a three-level
criterion is half a disagreement) or its square (quadratic). Then

    kappa_w = 1 - sum(w_ij * observed_ij) / sum(w_ij * expected_ij)

where ``observed`` is the share of pairs in each cell and ``expected`` the product of the two
graders' marginal shares. With two categories both weightings give Cohen's unweighted kappa.
Kappa is undefined (``None``) when there are no pairs, or when chance alone would give perfect
agreement (every rating in one category).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

LINEAR = "linear"
QUADRATIC = "quadratic"


@dataclass(frozen=True)
class Agreement:
    n: int  # pairs
    exact: float | None  # share of pairs with the same rating, 0..1
    kappa: float | None  # weighted kappa, -1..1


def exact_agreement(pairs: Sequence[tuple[int, int]]) -> float | None:
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def _weight(i: int, j: int, k: int, weights: str) -> Fraction:
    if k == 1:
        return Fraction(0)
    distance = Fraction(abs(i - j), k - 1)
    if weights == LINEAR:
        return distance
    if weights == QUADRATIC:
        return distance * distance
    raise ValueError(f"unknown weights: {weights}")


def weighted_kappa(
    pairs: Sequence[tuple[int, int]],
    categories: Iterable[int] | None = None,
    weights: str = LINEAR,
) -> float | None:
    """Cohen's weighted kappa of ``pairs``; ``categories`` are the possible ratings (their
    order is the scale's); by default the ratings seen. Exact arithmetic, one float at the end."""
    if not pairs:
        return None
    scale = sorted(set(categories) if categories is not None else {v for p in pairs for v in p})
    position = {value: index for index, value in enumerate(scale)}
    unknown = {v for p in pairs for v in p} - set(position)
    if unknown:
        raise ValueError(f"ratings outside the scale: {sorted(unknown)}")
    k, n = len(scale), len(pairs)
    counts = [[0] * k for _ in range(k)]
    for a, b in pairs:
        counts[position[a]][position[b]] += 1
    rows = [sum(row) for row in counts]
    cols = [sum(counts[i][j] for i in range(k)) for j in range(k)]
    observed = expected = Fraction(0)
    for i in range(k):
        for j in range(k):
            w = _weight(i, j, k, weights)
            observed += w * Fraction(counts[i][j], n)
            expected += w * Fraction(rows[i] * cols[j], n * n)
    if expected == 0:
        return None
    return float(1 - observed / expected)


def agreement(
    pairs: Sequence[tuple[int, int]],
    categories: Iterable[int] | None = None,
    weights: str = LINEAR,
) -> Agreement:
    return Agreement(
        n=len(pairs),
        exact=exact_agreement(pairs),
        kappa=weighted_kappa(pairs, categories, weights),
    )
