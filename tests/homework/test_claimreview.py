"""The schema.org ClaimReview export of an accepted fact-check: only for accepted attempts, and
JSON-LD that expands without losing a single value."""

from __future__ import annotations

import copy
import json

import pytest
from pyld import jsonld

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status
from tests.fixtures.homework import (
    as_user,
    fact_check,
    get_submission,
    grading,
    latest_submission,
    make_submission,
    post_grade,
    post_homework,
)

SCHEMA = "https://schema.org/"
VOCAB = {"@context": {"@vocab": SCHEMA}}


def loader(url: str, options: dict | None = None) -> dict:
    """schema.org's context, as a static document: nothing is fetched."""
    assert url.rstrip("/") == "https://schema.org", url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(VOCAB),
        "contentType": "application/ld+json",
    }


def expand(document: dict) -> list:
    dropped = []
    expanded = jsonld.expand(
        copy.deepcopy(document),
        {"documentLoader": loader},
        on_property_dropped=dropped.append,
    )
    assert dropped == []
    return expanded


def keys_and_values(node, compact: bool) -> tuple[int, int]:
    """(properties, leaf values) of a compact document or of its expansion."""
    keys = values = 0
    if isinstance(node, list):
        for item in node:
            k, v = keys_and_values(item, compact)
            keys, values = keys + k, values + v
        return keys, values
    if not isinstance(node, dict):
        return 0, 1
    if not compact and "@value" in node:
        return 0, 1
    for key, value in node.items():
        if key.startswith("@"):
            continue
        keys += 1
        k, v = keys_and_values(value, compact)
        keys, values = keys + k, values + v
    return keys, values


@pytest.fixture
def accepted(app, client, login, world):
    """The owner's fact-check, submitted through the form and accepted by the reviewer."""
    login(client, world.owner)
    data = fact_check(
        claim="A photo shows flooding in Almaty today.",
        verdict="misleading",
        **{"evidence-1-note": "Цитата «в кавычках»"},
    )
    assert post_homework(client, data, submit=True).status_code == 302
    sub = latest_submission(app, world.owner, world.modules["m1"]).id
    reviewer = as_user(app, login, world.reviewer)
    assert post_grade(reviewer, sub, grading(world)).status_code == 302
    return sub


def test_the_export_is_claimreview_json_ld(app, client, world, accepted):
    response = client.get(f"/homework/{accepted}/claimreview.json")

    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    doc = json.loads(response.data)
    sub = get_submission(app, accepted)
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "ClaimReview"
    assert doc["@id"].endswith(f"/homework/{accepted}/claimreview.json")
    assert doc["url"] == "http://localhost/courses/demo/modules/m1/homework"
    assert doc["claimReviewed"] == "A photo shows flooding in Almaty today."
    assert doc["itemReviewed"]["@type"] == "Claim"
    assert doc["itemReviewed"]["appearance"]["url"] == "https://example.com/post/1"
    assert doc["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Misleading",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert doc["author"] == {"@type": "Person", "name": "Owner Student"}
    assert doc["datePublished"] == sub.reviewed_at.date().isoformat()
    assert doc["dateCreated"] == sub.submitted_at.date().isoformat()
    assert [c["url"] for c in doc["citation"]] == [
        "https://www.who.int/news-room/fact-sheets/detail/influenza",
        "https://example.org/study",
    ]
    assert doc["citation"][1]["description"] == "Цитата «в кавычках»"


def test_the_export_expands_without_dropping_anything(client, accepted):
    doc = json.loads(client.get(f"/homework/{accepted}/claimreview.json").data)

    expanded = expand(doc)

    assert keys_and_values(expanded, compact=False) == keys_and_values(doc, compact=True)
    [node] = expanded
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert node[SCHEMA + "claimReviewed"] == [{"@value": "A photo shows flooding in Almaty today."}]
    rating = node[SCHEMA + "reviewRating"][0]
    assert rating[SCHEMA + "alternateName"] == [{"@value": "Misleading"}]
    assert rating[SCHEMA + "ratingValue"] == [{"@value": 2}]
    urls = [c[SCHEMA + "url"][0]["@value"] for c in node[SCHEMA + "citation"]]
    assert urls == [
        "https://www.who.int/news-room/fact-sheets/detail/influenza",
        "https://example.org/study",
    ]
    assert node[SCHEMA + "author"][0][SCHEMA + "name"] == [{"@value": "Owner Student"}]


@pytest.mark.parametrize("verdict", ["true", "mostly_true", "false", "unverifiable"])
def test_every_verdict_is_a_rating(app, client, login, world, verdict):
    sub = make_submission(
        app,
        world.owner,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status.ACCEPTED,
        verdict=verdict,
        reviewer_id=world.reviewer.id,
        reviewed_at=utcnow(),
    )
    login(client, world.owner)
    doc = json.loads(client.get(f"/homework/{sub}/claimreview.json").data)
    rating = doc["reviewRating"]
    assert rating["alternateName"]
    if verdict == "unverifiable":
        assert "ratingValue" not in rating
    else:
        assert 1 <= rating["ratingValue"] <= 5
    expanded = expand(doc)
    assert keys_and_values(expanded, compact=False) == keys_and_values(doc, compact=True)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.RETURNED])
def test_only_an_accepted_attempt_is_exported(app, client, login, world, status):
    reviewed = (
        {"reviewer_id": world.reviewer.id, "reviewed_at": utcnow()}
        if status == Status.RETURNED
        else {}
    )
    sub = make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], status=status, **reviewed
    )
    login(client, world.owner)
    assert client.get(f"/homework/{sub}/claimreview.json").status_code == 404
    assert "ClaimReview" not in client.get("/courses/demo/modules/m1/homework").get_data(
        as_text=True
    )


def test_the_accepted_page_links_to_the_export(client, accepted):
    html = client.get("/courses/demo/modules/m1/homework").get_data(as_text=True)
    assert f"/homework/{accepted}/claimreview.json" in html


def test_an_unknown_submission_is_not_found(client, login, world):
    login(client, world.owner)
    assert client.get("/homework/999/claimreview.json").status_code == 404


VERDICT_NAMES = {
    "kk": {"misleading": "Жаңылыстырады", "false": "Жалған", "unverifiable": "Тексеру мүмкін емес"},
    "ru": {
        "misleading": "Вводит в заблуждение",
        "false": "Ложь",
        "unverifiable": "Невозможно проверить",
    },
    "en": {"misleading": "Misleading", "false": "False", "unverifiable": "Unverifiable"},
}


@pytest.mark.parametrize(("language", "reader"), [("kk", "en"), ("ru", "kk"), ("en", "ru")])
@pytest.mark.parametrize("verdict", ["misleading", "false", "unverifiable"])
def test_the_rating_is_named_in_the_review_language(
    app, client, login, world, language, reader, verdict
):
    """``alternateName`` follows ``inLanguage``, not the interface of whoever downloads it."""
    sub = make_submission(
        app,
        world.owner,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status.ACCEPTED,
        language=language,
        verdict=verdict,
        reviewer_id=world.reviewer.id,
        reviewed_at=utcnow(),
    )
    with app.app_context():
        db.session.get(User, world.owner.id).locale = reader
        db.session.commit()
    login(client, world.owner)

    doc = json.loads(client.get(f"/homework/{sub}/claimreview.json").data)

    assert doc["inLanguage"] == language
    assert doc["reviewRating"]["alternateName"] == VERDICT_NAMES[language][verdict]
    expand(doc)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_url_is_the_fact_check_page_from_base_url(app, client, login, world, language):
    """Google's guidelines require ``url``: the page of the fact-check, on the public address
    (BASE_URL), not the host the request happened to use."""
    sub = make_submission(
        app,
        world.owner,
        world.cohort_a,
        module_id=world.modules["m1"],
        status=Status.ACCEPTED,
        language=language,
        reviewer_id=world.reviewer.id,
        reviewed_at=utcnow(),
    )
    login(client, world.owner)
    app.config["BASE_URL"] = "https://tekser.example.kz/"

    response = client.get(f"/homework/{sub}/claimreview.json")  # asked of http://localhost

    assert response.status_code == 200, response.data[:300]
    doc = json.loads(response.data)
    assert doc["url"] == "https://tekser.example.kz/courses/demo/modules/m1/homework"
    [node] = expand(doc)
    assert node[SCHEMA + "url"] == [{"@value": doc["url"]}]
    # The page it names is the one that shows this accepted fact-check to its author.
    page = client.get("/courses/demo/modules/m1/homework")
    assert page.status_code == 200
    assert f"/homework/{sub}/claimreview.json" in page.get_data(as_text=True)
