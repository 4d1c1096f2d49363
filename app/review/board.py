"""What the agreement dashboard reads: a fixed handful of grouped statements per page, whatever
the number of double-marked attempts (the pairs of scores are read as three integers a row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.extensions import db
from app.homework.models import Decision, Status, Submission
from app.learning.models import Module, RubricCriterion
from app.review.agreement import LINEAR, Agreement, agreement
from app.review.double import DONE
from app.review.models import BlindGrade, BlindScore, DoubleMarking, MarkingState

WEIGHTS = LINEAR  # the dashboard's kappa weights (ADR 0022)
DISPUTES_PAGE = 50


@dataclass(frozen=True)
class CriterionAgreement:
    module: Module
    criterion: RubricCriterion
    stats: Agreement


def _pairs_query(cohort_id: int):
    g1, g2 = aliased(BlindGrade), aliased(BlindGrade)
    s1, s2 = aliased(BlindScore), aliased(BlindScore)
    return (
        select(s1.criterion_id, s1.points, s2.points)
        .select_from(DoubleMarking)
        .join(g1, and_(g1.marking_id == DoubleMarking.id, g1.round == 1))
        .join(g2, and_(g2.marking_id == DoubleMarking.id, g2.round == 2))
        .join(s1, s1.grade_id == g1.id)
        .join(s2, and_(s2.grade_id == g2.id, s2.criterion_id == s1.criterion_id))
        .where(DoubleMarking.cohort_id == cohort_id, DoubleMarking.state.in_(DONE))
    )


def criterion_agreement(cohort_id: int, modules: Sequence[Module]) -> list[CriterionAgreement]:
    """Exact agreement and weighted kappa per rubric criterion of ``modules`` (in their order),
    over the attempts graded twice. A criterion nobody has double-marked yet shows n = 0."""
    pairs: dict[int, list[tuple[int, int]]] = {}
    for criterion_id, first, second in db.session.execute(_pairs_query(cohort_id)):
        pairs.setdefault(criterion_id, []).append((first, second))
    out = []
    for module in modules:
        for criterion in module.criteria:
            scale = [level["points"] for level in criterion.levels]
            out.append(
                CriterionAgreement(
                    module, criterion, agreement(pairs.get(criterion.id, []), scale, WEIGHTS)
                )
            )
    return out


def decision_agreement(cohort_id: int) -> Agreement:
    """Accept or return: the decision the student would get, as a two-category rating."""
    g1, g2 = aliased(BlindGrade), aliased(BlindGrade)
    rows = db.session.execute(
        select(g1.decision, g2.decision)
        .select_from(DoubleMarking)
        .join(g1, and_(g1.marking_id == DoubleMarking.id, g1.round == 1))
        .join(g2, and_(g2.marking_id == DoubleMarking.id, g2.round == 2))
        .where(DoubleMarking.cohort_id == cohort_id, DoubleMarking.state.in_(DONE))
    ).all()
    value = {Decision.RETURN: 0, Decision.ACCEPT: 1}
    return agreement([(value[a], value[b]) for a, b in rows], [0, 1], WEIGHTS)


def state_counts(cohort_id: int) -> dict[MarkingState, int]:
    rows = db.session.execute(
        select(DoubleMarking.state, func.count())
        .where(DoubleMarking.cohort_id == cohort_id)
        .group_by(DoubleMarking.state)
    ).all()
    found = {state: n for state, n in rows}
    return {state: found.get(state, 0) for state in MarkingState}


def waiting_unmarked(cohort_id: int) -> dict[int, int]:
    """Attempts waiting for review and not marked yet, per module (what a sampling draws from)."""
    rows = db.session.execute(
        select(Submission.module_id, func.count())
        .where(
            Submission.cohort_id == cohort_id,
            Submission.status.in_([Status.SUBMITTED, Status.IN_REVIEW]),
            Submission.id.not_in(select(DoubleMarking.submission_id)),
        )
        .group_by(Submission.module_id)
    ).all()
    return {module_id: n for module_id, n in rows}


def disputes(
    cohort_id: int, page: int = 1, state: MarkingState = MarkingState.DISPUTED
) -> Sequence[Row[DoubleMarking, str, int]]:
    """Disagreements waiting for an admin (or, with ``state``, the attempts in another state),
    oldest first, with the student's name."""
    return db.session.execute(
        select(DoubleMarking, User.name, Submission.attempt_no)
        .join(Submission, Submission.id == DoubleMarking.submission_id)
        .join(User, User.id == Submission.user_id)
        .where(DoubleMarking.cohort_id == cohort_id, DoubleMarking.state == state)
        .order_by(DoubleMarking.selected_at, DoubleMarking.id)
        .limit(DISPUTES_PAGE + 1)
        .offset((page - 1) * DISPUTES_PAGE)
    ).all()


def marking_of(cohort_id: int, marking_id: int) -> DoubleMarking | None:
    return db.session.scalar(
        select(DoubleMarking).where(
            DoubleMarking.id == marking_id, DoubleMarking.cohort_id == cohort_id
        )
    )
