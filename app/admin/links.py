"""Links to cohorts' invite pages; absolute links come from ``app.links`` (``BASE_URL``)."""

from __future__ import annotations

from app.links import external_url

__all__ = ["external_url", "invite_url"]


def invite_url(cohort) -> str | None:
    if not cohort.invite_code:
        return None
    return external_url("cohorts.join", code=cohort.invite_code)
