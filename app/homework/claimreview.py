"""An accepted homework fact-check as schema.org ClaimReview (JSON-LD)."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from app.auth.models import User
from app.extensions import db
from app.homework.models import VERDICT_LABELS, Submission, Verdict
from app.learning.models import Module
from app.links import external_url

# A 1-5 scale, as fact-checkers publish it; "unverifiable" has no place on it.
RATINGS = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.MOSTLY_TRUE: 4, Verdict.TRUE: 5}


def verdict_name(verdict: Verdict, language: str) -> str:
    """The verdict as the review's readers call it: in the review's own language, whatever the
    language of the person downloading it."""
    with force_locale(language):
        return str(VERDICT_LABELS[verdict])


def fact_check_url(submission: Submission) -> str:
    """The page of the fact-check itself (Google's ClaimReview guidelines require ``url``): the
    access-checked homework page of that module, which shows the accepted attempt."""
    module = db.session.get(Module, submission.module_id)
    return external_url(
        "homework.homework", course_slug=module.course.slug, module_slug=module.slug
    )


def claim_review(submission: Submission, base_url: str) -> dict[str, Any]:
    author = db.session.get(User, submission.user_id)
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": verdict_name(submission.verdict, submission.language),
    }
    if submission.verdict in RATINGS:
        rating.update(ratingValue=RATINGS[submission.verdict], bestRating=5, worstRating=1)
    claim: dict[str, Any] = {"@type": "Claim"}
    if submission.claim_url:
        claim["appearance"] = {"@type": "CreativeWork", "url": submission.claim_url}
    if submission.platform:
        claim["firstAppearance"] = {"@type": "CreativeWork", "name": submission.platform}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": f"{base_url}/homework/{submission.id}/claimreview.json",
        "url": fact_check_url(submission),
        "claimReviewed": submission.claim,
        "itemReviewed": claim,
        "author": {"@type": "Person", "name": author.name},
        "datePublished": submission.reviewed_at.date().isoformat(),
        "dateCreated": submission.submitted_at.date().isoformat(),
        "inLanguage": submission.language,
        "reviewRating": rating,
        "reviewBody": submission.reasoning,
        "citation": [
            {"@type": "CreativeWork", "url": e.url, "description": e.note}
            for e in submission.evidence
        ],
    }
