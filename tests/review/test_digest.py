"""``flask review digest``: each reviewer with waiting work gets one email about their own
cohorts, in their language; reviewers with nothing waiting get none."""

from datetime import timedelta

import pytest

from app.jobs import huey
from app.policy import Role
from tests.fixtures.homework import assign, make_submission


@pytest.fixture(autouse=True)
def _a_new_day():
    """The day's key lives in the queue's storage, which outlives one test on the shared app."""
    huey.flush()
    yield
    huey.flush()


def test_digest_counts_only_the_reviewers_own_cohorts(app, world, make_user, mailbox):
    make_submission(
        app, world.owner, world.cohort_a, module_id=world.modules["m1"], waited=timedelta(hours=3)
    )
    make_submission(
        app,
        world.classmate,
        world.cohort_a,
        module_id=world.modules["m1"],
        waited=timedelta(days=3),
    )
    idle = make_user(Role.REVIEWER, locale="en", email="idle@example.com")
    assign(app, idle, world.cohort_b)  # cohort B has nothing waiting

    result = app.test_cli_runner().invoke(args=["review", "digest"])
    assert result.exit_code == 0, result.output
    assert "digest sent to 1 reviewer(s)" in result.output
    message = mailbox.last_to(world.reviewer.email)
    assert "2 homework fact-checks are waiting" in message["Subject"]
    body = mailbox.text(message)
    assert "2 homework fact-checks are waiting for review in your groups." in body
    assert "1 of them arrived in the last day." in body
    assert "/review/" in body
    assert mailbox.to("idle@example.com") == []
    assert mailbox.to(world.other_reviewer.email) == []


def test_digest_in_the_reviewers_language(app, world, make_user, mailbox):
    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    russian = make_user(Role.REVIEWER, locale="ru", email="ru@example.com")
    assign(app, russian, world.cohort_a)
    app.test_cli_runner().invoke(args=["review", "digest"])
    subject = mailbox.last_to("ru@example.com")["Subject"]
    assert "Tekser" in subject and "waiting" not in subject


def test_the_daily_job_sends_the_digest_once_per_day(app, world, mailbox):
    """The scheduler of every worker may fire; the first to take the day's key sends."""
    from datetime import date

    from app.review.jobs import daily_digest

    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    day = date(2031, 5, 4)  # a day of its own: the queue's keys outlive a test
    with app.app_context():
        assert daily_digest.call_local(day) == 1
        assert daily_digest.call_local(day) is None  # another worker, the same day
    assert len(mailbox.to(world.reviewer.email)) == 1
    with app.app_context():
        assert daily_digest.call_local(date(2031, 5, 5)) == 1
    assert len(mailbox.to(world.reviewer.email)) == 2


def test_the_command_and_the_daily_job_share_the_days_key(app, world, mailbox):
    """By hand first: the scheduled job of the same day sends nothing; --force sends again."""
    from datetime import date

    from app.review.jobs import daily_digest

    make_submission(app, world.owner, world.cohort_a, module_id=world.modules["m1"])
    runner = app.test_cli_runner()
    assert "digest sent to 1 reviewer(s)" in runner.invoke(args=["review", "digest"]).output
    with app.app_context():
        assert daily_digest.call_local(date.today()) is None
    again = runner.invoke(args=["review", "digest"])
    assert again.exit_code == 0 and "sent already" in again.output
    assert len(mailbox.to(world.reviewer.email)) == 1
    forced = runner.invoke(args=["review", "digest", "--force"])
    assert "digest sent to 1 reviewer(s)" in forced.output
    assert len(mailbox.to(world.reviewer.email)) == 2
