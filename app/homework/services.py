"""What other domains may ask of homework.

The homework issue adds submissions and review; until then nobody has submitted anything, and
the progress rules show every module's homework as "not submitted".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class HomeworkState(enum.StrEnum):
    NOT_SUBMITTED = "not_submitted"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"


def homework_states(user_id: int, module_ids: Iterable[int]) -> dict[int, HomeworkState]:
    """The state of each module's latest homework attempt for one student (one query)."""
    return dict.fromkeys(module_ids, HomeworkState.NOT_SUBMITTED)
