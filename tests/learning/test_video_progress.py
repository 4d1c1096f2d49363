"""The video progress route and the player's attributes on the module page: who may report,
what a report must look like, what counts as watched, and where playback resumes."""

import json
import re

import pytest

from app.extensions import db
from app.learning import watching
from app.learning.models import ModuleProgress
from app.policy import Role
from tests.concurrency import Browser, at_once, live_server, statuses
from tests.fixtures.app import csrf_token, post_form
from tests.fixtures.video import unpublish_videos

M1, M2 = "/courses/demo/modules/m1", "/courses/demo/modules/m2"
REPORT = M1 + "/video-progress"


def report(client, ranges=None, position=None, url=REPORT, **fields):
    data = dict(fields)
    if ranges is not None:
        data["ranges"] = json.dumps(ranges)
    if position is not None:
        data["position"] = str(position)
    return post_form(client, url, data, token_from=M1)


def progress_rows(app) -> list[ModuleProgress]:
    with app.app_context():
        rows = db.session.scalars(db.select(ModuleProgress)).all()
        for row in rows:
            row.video_played  # noqa: B018 (loaded before the session closes)
        return rows


def the_row(app) -> ModuleProgress:
    rows = progress_rows(app)
    assert len(rows) == 1
    return rows[0]


@pytest.fixture
def with_video_file(published_video):
    """Module 1 has a published video (en and kk), so its page shows the <video> player."""


def player(client, url=M1) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    tag = re.search(r"<video[^>]*>", html)
    assert tag, "no player on the page"
    return dict(re.findall(r'(data-[a-z-]+)(?:="([^"]*)")?', tag.group(0)))


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, expected", [("anonymous", 302), ("outsider", 404), ("reviewer", 403), ("admin", 403)]
)
def test_only_the_enrolled_student_reports_and_nothing_else_is_written(
    app, check_access, make_user, enrol, course, make_course, who, expected
):
    from app.cohorts import services as cohorts
    from app.cohorts.models import Cohort

    people = {
        "anonymous": None,
        "reviewer": make_user(Role.REVIEWER),
        "admin": make_user(Role.ADMIN),
    }
    with app.app_context():  # the reviewer of the student's own cohort
        cohorts.assign_reviewer(db.session.get(Cohort, course[1]), people["reviewer"])
        db.session.commit()
    if who == "outsider":  # a student of another course's cohort
        people["outsider"] = make_user()
        enrol(people["outsider"], make_course(slug="other")[1])
    check_access("POST", REPORT, people[who], expected, {"ranges": "[[0, 95]]", "position": "95"})
    assert progress_rows(app) == []


def test_a_locked_module_takes_no_report(app, client, login, student):
    login(client, student)
    assert report(client, [[0, 95]], 95, url=M2 + "/video-progress").status_code == 403
    assert progress_rows(app) == []


# --- what counts --------------------------------------------------------------------------------


def test_a_student_reaching_the_share_has_watched_the_video(app, client, login, student):
    login(client, student)
    assert report(client, [[0, 50]], 50).status_code == 204
    # The player's `played` grows: each report repeats what was played before.
    assert report(client, [[0, 50], [60, 85]], 85).status_code == 204
    row = the_row(app)
    assert row.video_seconds == 75 and row.video_watched_at is None
    assert 'action="' + M1 + '/read"' in client.get(M1).get_data(as_text=True)  # to confirm

    # After a reload the player's `played` starts again.
    assert report(client, [[48, 66], [85, 91]], 91).status_code == 204
    row = the_row(app)
    assert row.video_seconds == 91 and row.video_watched_at is not None
    assert row.video_played == {"en": {"ranges": [[0, 91]], "at": 91}}
    assert 'action="' + M1 + '/read"' not in client.get(M1).get_data(as_text=True)


def test_seeking_to_the_end_counts_only_what_was_played(app, client, login, student):
    login(client, student)
    assert report(client, [[0, 3], [98, 100]], 100).status_code == 204
    row = the_row(app)
    assert row.video_seconds == 5 and row.video_watched_at is None
    assert 'action="' + M1 + '/read"' in client.get(M1).get_data(as_text=True)  # button kept


def test_ranges_past_the_end_are_clamped_to_the_duration(app, client, login, student):
    login(client, student)
    assert report(client, [[90, 3600]], 3600).status_code == 204
    row = the_row(app)
    assert row.video_played == {"en": {"ranges": [[90, 100]], "at": 100}}
    assert row.video_seconds == 10


def test_the_video_language_is_the_page_content_language_unless_sent(app, client, login, student):
    login(client, student)
    assert (
        post_form(client, REPORT + "?lang=ru", {"ranges": "[[0, 10]]"}, token_from=M1).status_code
        == 204
    )
    assert report(client, [[0, 20]], lang="kk").status_code == 204
    assert set(the_row(app).video_played) == {"ru", "kk"}


HOSTILE = [
    {"ranges": "[[NaN, 1]]"},
    {"ranges": "[[0, Infinity]]"},
    {"ranges": "[[-5, 10]]"},
    {"ranges": "[[10, 5]]"},
    {"ranges": '[["0", "10"]]'},
    {"ranges": "{}"},
    {"ranges": "[[0, 10]"},
    {"ranges": "[" * 2000 + "]" * 2000},
    {"ranges": json.dumps([[i, i + 0.5] for i in range(watching.MAX_RANGES_PER_REPORT + 1)])},
    {"ranges": "[[0, 10]]", "position": "nan"},
    {"ranges": "[[0, 10]]", "position": "-1"},
    {"ranges": "[[0, 10]]", "position": "1e999"},
    {"ranges": "[[0, 10]]", "lang": "de"},
]


@pytest.mark.parametrize("data", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_reports_are_refused_and_change_nothing(app, client, login, student, data):
    login(client, student)
    response = post_form(client, REPORT, data, token_from=M1)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True).lower()  # the translated error page
    assert progress_rows(app) == []


def test_a_huge_report_is_refused(app, client, login, student):
    login(client, student)
    response = post_form(client, REPORT, {"ranges": "[[0, 1]]", "pad": "x" * 20_000}, token_from=M1)
    assert response.status_code == 413
    assert progress_rows(app) == []


# --- CSRF: fetch sends the header, sendBeacon the form body -------------------------------------


def test_the_token_may_come_in_the_header_or_in_the_body(app, client, login, student):
    login(client, student)
    token = csrf_token(client, M1)
    by_header = client.post(REPORT, data={"ranges": "[[0, 10]]"}, headers={"X-CSRFToken": token})
    by_body = client.post(REPORT, data={"ranges": "[[10, 20]]", "csrf_token": token})
    without = client.post(REPORT, data={"ranges": "[[20, 95]]"})
    assert [by_header.status_code, by_body.status_code, without.status_code] == [204, 204, 400]
    assert the_row(app).video_seconds == 20


# --- the page ------------------------------------------------------------------------------------


def test_the_player_carries_what_the_script_needs(app, client, login, student, with_video_file):
    login(client, student)
    attrs = player(client)
    assert "data-track-progress" in attrs
    assert attrs["data-progress-url"] == REPORT
    assert attrs["data-lang"] == "en" and float(attrs["data-duration"]) == 100.0
    assert attrs["data-resume"] == "0.0" and attrs["data-csrf"]
    assert "js/video-progress.js" in client.get(M1).get_data(as_text=True)


def test_playback_resumes_where_the_student_stopped(app, client, login, student, with_video_file):
    login(client, student)
    report(client, [[0, 42.34]], 42.34)
    assert player(client)["data-resume"] == "42.3"
    assert player(client, M1 + "?lang=kk")["data-resume"] == "0.0"  # another language's video
    report(client, [[42.3, 97]], 97)  # stopped near the end: from the start next time
    assert player(client)["data-resume"] == "0.0"


def test_staff_previews_are_not_tracked(app, client, login, make_user, with_video_file):
    login(client, make_user(Role.ADMIN))
    attrs = player(client)
    assert "data-track-progress" not in attrs and "data-resume" not in attrs
    assert "js/video-progress.js" not in client.get(M1).get_data(as_text=True)


# --- at once, and too often ----------------------------------------------------------------------


def test_reports_at_once_lose_no_range(app, client, login, student):
    """Two tabs (and a beacon) reporting different parts at the same moment: the union keeps
    them all (the row is read again under its lock)."""
    login(client, student)
    parts = [[[i * 10, i * 10 + 10]] for i in range(8)]
    with live_server(app) as url:
        browser = Browser.signed_in(url, app, client)
        token = browser.token(M1)
        replies = at_once(
            [
                lambda p=p: browser.post(REPORT, {"ranges": json.dumps(p)}, token=token)
                for p in parts
            ]
        )
    assert statuses(replies) == [204] * 8
    row = the_row(app)
    assert row.video_played["en"]["ranges"] == [[0, 80]]
    assert row.video_seconds == 80


def test_reports_are_rate_limited_per_student(app_factory, login, student):
    limited = app_factory(RATELIMIT_ENABLED=True, VIDEO_PROGRESS_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    login(client, student)
    token = csrf_token(client, M1)
    codes = [
        client.post(REPORT, data={"ranges": f"[[{i}, {i + 1}]]", "csrf_token": token}).status_code
        for i in range(5)
    ]
    assert codes == [204, 204, 204, 429, 429]


def test_the_player_costs_the_page_one_statement(
    app, client, login, student, with_video_file, count_queries
):
    """The student's data saver choice is read only where the page shows a player (one
    statement); the resume position comes with the page's standing (none), the published
    video is read once."""
    login(client, student)
    client.get(M1)
    with count_queries() as with_player:
        assert client.get(M1).status_code == 200
    unpublish_videos(app)
    with count_queries() as without:
        assert client.get(M1).status_code == 200
    assert with_player.count == without.count + 1
