"""The reviewer's queue: only their cohorts, oldest first, filters, counts per state, the
allow-list of parameters, "Review next", and a query count that does not grow with the rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission
from app.policy import Role
from tests.fixtures.app import post_form
from tests.fixtures.homework import as_user, enrol, get_submission, make_submission


def names_in_table(html: str) -> list[str]:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'/review/submissions/\d+">([^<]+)</a>', table)


def counts_of(html: str) -> dict[str, int]:
    return {
        label: int(n)
        for label, n in re.findall(r"<li>(Waiting|In review|Returned|Accepted): (\d+)</li>", html)
    }


@pytest.fixture
def students(app, make_user, world):
    """make(name, cohort="a") -> a new enrolled student."""

    def make(name: str, cohort: str = "a", **kwargs):
        user = make_user(name=name, **kwargs)
        enrol(app, user, world.cohort_a if cohort == "a" else world.cohort_b)
        return user

    return make


def test_only_the_reviewers_cohorts_oldest_first(app, client, login, world):
    m1 = world.modules["m1"]
    make_submission(app, world.owner, world.cohort_a, module_id=m1, waited=timedelta(hours=3))
    make_submission(app, world.classmate, world.cohort_a, module_id=m1, waited=timedelta(hours=9))
    make_submission(app, world.outsider, world.cohort_b, module_id=m1, waited=timedelta(hours=30))
    make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m2"], status=Status.DRAFT
    )
    login(client, world.reviewer)

    response = client.get("/review/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert names_in_table(html) == ["Classmate Student", "Owner Student"]
    assert "Outsider Student" not in html
    assert counts_of(html) == {"Waiting": 2, "In review": 0, "Returned": 0, "Accepted": 0}

    other = as_user(app, login, world.other_reviewer)
    assert names_in_table(other.get("/review/").get_data(as_text=True)) == ["Outsider Student"]


def test_counts_per_state_and_the_status_filter(app, client, login, world, students):
    m1, r = world.modules["m1"], world.reviewer
    reviewed = {"reviewer_id": r.id, "reviewed_at": utcnow()}
    make_submission(app, students("Waiting One"), world.cohort_a, module_id=m1)
    make_submission(
        app,
        students("Expired Claim"),
        world.cohort_a,
        module_id=m1,
        status=Status.IN_REVIEW,
        claimed_by_id=world.other_reviewer.id,
        claimed_at=utcnow() - timedelta(hours=2),
        claim_expires_at=utcnow() - timedelta(minutes=1),
    )
    make_submission(
        app,
        students("Being Reviewed"),
        world.cohort_a,
        module_id=m1,
        status=Status.IN_REVIEW,
        claimed_by_id=world.other_reviewer.id,
        claimed_at=utcnow(),
        claim_expires_at=utcnow() + timedelta(minutes=20),
    )
    make_submission(
        app, students("Sent Back"), world.cohort_a, module_id=m1, status=Status.RETURNED, **reviewed
    )
    make_submission(
        app, students("All Good"), world.cohort_a, module_id=m1, status=Status.ACCEPTED, **reviewed
    )
    login(client, r)

    expected = {
        "waiting": ["Waiting One", "Expired Claim"],
        "in_review": ["Being Reviewed"],
        "returned": ["Sent Back"],
        "accepted": ["All Good"],
    }
    for state, names in expected.items():
        html = client.get(f"/review/?state={state}").get_data(as_text=True)
        assert sorted(names_in_table(html)) == sorted(names), state
        assert counts_of(html) == {"Waiting": 2, "In review": 1, "Returned": 1, "Accepted": 1}


def test_filters_by_module_language_and_waiting_time(app, client, login, world, students):
    m1, m2 = world.modules["m1"], world.modules["m2"]
    make_submission(
        app, students("Old English"), world.cohort_a, module_id=m1, waited=timedelta(days=4)
    )
    make_submission(
        app,
        students("New Russian"),
        world.cohort_a,
        module_id=m1,
        language="ru",
        waited=timedelta(hours=2),
    )
    make_submission(
        app,
        students("Module Two"),
        world.cohort_a,
        module_id=m2,
        language="kk",
        waited=timedelta(days=2),
    )
    login(client, world.reviewer)

    def names(query: str) -> list[str]:
        response = client.get("/review/?" + query)
        assert response.status_code == 200, query
        return names_in_table(response.get_data(as_text=True))

    assert names("") == ["Old English", "Module Two", "New Russian"]
    assert names(f"module={m2}") == ["Module Two"]
    assert names(f"module={m1}") == ["Old English", "New Russian"]
    assert names("language=ru") == ["New Russian"]
    assert names("language=kk") == ["Module Two"]
    assert names("wait=24") == ["Old English", "Module Two"]
    assert names("wait=72") == ["Old English"]
    assert names("wait=168") == []
    assert names(f"module={m1}&language=en&wait=72&state=waiting") == ["Old English"]
    # The module filter offers the modules of the reviewer's courses.
    html = client.get("/review/").get_data(as_text=True)
    assert f'<option value="{m2}">2. Module 2</option>' in html


@pytest.mark.parametrize(
    "query",
    [
        "state=draft",
        "state=bogus",
        "state=",
        "language=de",
        "language=EN",
        "wait=5",
        "wait=-24",
        "module=abc",
        "module=-1",
        "module=1.0",
        "module=%C2%B2",  # "²": isdigit() says yes, int() says no
        "module=%D9%A3",  # an Arabic-Indic digit
        "module=" + "9" * 30,
    ],
)
def test_parameters_outside_the_allow_list_are_refused(client, login, world, query):
    login(client, world.reviewer)
    assert client.get("/review/?" + query).status_code == 400


def test_review_next_claims_the_oldest_waiting(app, client, login, world, students):
    m1 = world.modules["m1"]
    newer = make_submission(
        app, students("Newer"), world.cohort_a, module_id=m1, waited=timedelta(hours=1)
    )
    oldest = make_submission(
        app, students("Oldest"), world.cohort_a, module_id=m1, waited=timedelta(hours=5)
    )
    make_submission(
        app, students("Elsewhere"), world.cohort_b, module_id=m1, waited=timedelta(days=9)
    )
    login(client, world.reviewer)

    response = post_form(client, "/review/next", token_from="/review/")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/review/submissions/{oldest}")
    claimed = get_submission(app, oldest)
    assert (claimed.status, claimed.claimed_by_id) == (Status.IN_REVIEW, world.reviewer.id)
    assert claimed.claim_expires_at > utcnow() + timedelta(minutes=29)
    assert get_submission(app, newer).status == Status.SUBMITTED

    # The next one is the newer (the oldest is now held).
    response = post_form(client, "/review/next", token_from="/review/")
    assert response.headers["Location"].endswith(f"/review/submissions/{newer}")


def test_review_next_with_nothing_waiting(client, login, world):
    login(client, world.reviewer)
    response = post_form(client, "/review/next", token_from="/review/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/")
    assert "Nothing is waiting for review" in client.get("/review/").get_data(as_text=True)


def test_review_next_needs_the_csrf_token(app, client, login, world):
    sub = make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    login(client, world.reviewer)
    assert client.post("/review/next").status_code == 400
    assert get_submission(app, sub).status == Status.SUBMITTED


def test_queue_query_count_does_not_grow_with_submissions(
    app, client, login, world, make_user, count_queries
):
    def fill(n: int) -> None:
        for i in range(n):
            user = make_user(name=f"Student {i}")
            enrol(app, user, world.cohort_a)
            make_submission(
                app,
                user,
                world.cohort_a,
                module_id=world.modules["m1"],
                waited=timedelta(minutes=10 + i),
            )

    login(client, world.reviewer)
    fill(3)
    client.get("/review/")  # warm up: the first request loads what every request caches
    with count_queries() as few:
        assert client.get("/review/").status_code == 200
    fill(27)
    with count_queries() as many:
        response = client.get("/review/")
    assert response.status_code == 200
    assert len(names_in_table(response.get_data(as_text=True))) == 30
    assert many.count == few.count, many.statements[few.count :]
    # the reviewer's cohorts are read once for the list, the counts and the module filter
    assert sum(s.lstrip().startswith("SELECT cohort_reviewer") for s in many.statements) == 1
    # ... with their courses' versions; then the list with the counts (issue 19: four before).
    # The module filter comes from the course's outline, kept per course version.
    selects = [s for s in many.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects
    assert not any(s.lstrip().startswith("SELECT module.") for s in selects)


def test_a_reviewer_without_cohorts_sees_an_empty_queue(app, client, login, world, make_user):
    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    login(client, make_user(Role.REVIEWER))
    html = client.get("/review/").get_data(as_text=True)
    assert names_in_table(html) == [] and "Nothing here." in html
    assert counts_of(html)["Waiting"] == 0
    assert Submission  # imported for readers: the queue only reads it


def test_the_graded_history_is_counted_up_to_a_cap(
    app, client, login, world, students, monkeypatch
):
    """The history's counts stop at the cap (a statement that reads at most cap + 1 rows)."""
    from app.review import services

    monkeypatch.setattr(services, "HISTORY_CAP", 2)
    m1, r = world.modules["m1"], world.reviewer
    reviewed = {"reviewer_id": r.id, "reviewed_at": utcnow()}
    for n in range(3):
        make_submission(
            app, students(f"Good {n}"), world.cohort_a, module_id=m1, status=Status.ACCEPTED,
            **reviewed,
        )  # fmt: skip
    for n in range(2):
        make_submission(
            app, students(f"Back {n}"), world.cohort_a, module_id=m1, status=Status.RETURNED,
            **reviewed,
        )  # fmt: skip
    make_submission(app, students("Waiting"), world.cohort_a, module_id=m1)
    login(client, r)

    html = client.get("/review/").get_data(as_text=True)

    assert counts_of(html) == {"Waiting": 1, "In review": 0, "Returned": 2}
    assert "<li>Accepted: 2+</li>" in html


def test_the_module_filter_lists_the_courses_modules(app, client, login, world):
    login(client, world.reviewer)
    html = client.get("/review/").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"[^>]*>(\d+)\. ', html)
    assert [int(module_id) for module_id, _position in options] == [
        world.modules[key] for key in sorted(world.modules)
    ]
    assert [int(p) for _id, p in options] == list(range(1, len(options) + 1))


@pytest.mark.parametrize(
    ("lang", "title", "waiting"),
    [("ru", "Очередь на проверку", "В ожидании: 0"), ("kk", "Тексеру кезегі", "Күтуде: 0")],
)
def test_the_labels_follow_the_language(app, client, login, world, lang, title, waiting):
    """The labels are translated once per language and kept: each language gets its own."""
    login(client, world.reviewer)
    assert "Review queue" in client.get("/review/").get_data(as_text=True)  # English, kept
    with app.app_context():
        db.session.get(User, world.reviewer.id).locale = lang
        db.session.commit()
    html = client.get("/review/").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html and "Review queue" not in html
    assert f"<li>{waiting}</li>" in html
    assert re.search(r'<input class="button primary" id="submit" name="submit" type="submit"', html)
