"""An accepted homework fact-check as schema.org ClaimReview (JSON-LD)."""

from __future__ import annotations

from typing import Any

from app.auth.models import User
from app.extensions import db
from app.homework.models import Submission, Verdict

# A 1-5 scale, as fact-checkers publish it; "unverifiable" has no place on it.
RATINGS = {Verdict.FALSE: 1, Verdict.MISLEADING: 2, Verdict.MOSTLY_TRUE: 4, Verdict.TRUE: 5}
NAMES = {
    Verdict.TRUE: "True",
    Verdict.MOSTLY_TRUE: "Mostly true",
    Verdict.MISLEADING: "Misleading",
    Verdict.FALSE: "False",
    Verdict.UNVERIFIABLE: "Unverifiable",
}


def claim_review(submission: Submission, base_url: str) -> dict[str, Any]:
    author = db.session.get(User, submission.user_id)
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": NAMES[submission.verdict]}
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
