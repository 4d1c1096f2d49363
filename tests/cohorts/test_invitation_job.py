"""The invitations of a confirmed enrolment file go out from the queue: one job per import,
batches of their own transactions, no invitation twice however often the job runs."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest

from app import jobs
from app.cohorts.jobs import send_import_invitations
from app.cohorts.models import EnrolmentImport
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.admin.fixtures import upload
from tests.fixtures.app import post_form
from tests.fixtures.mail import run_queue

ROWS = 250


@pytest.fixture
def app(queued_app):
    """Jobs wait in a SQLite queue until the test runs them (``run_queue``)."""
    return queued_app


def confirm(app, login, world) -> tuple:
    client = login(app.test_client(), world.admin)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = "name,email\n" + "".join(f"Оқушы {n},s{n}@example.kz\n" for n in range(ROWS))
    response = upload(client, world.cohort_id, data)
    assert response.status_code == 302
    url = urlsplit(response.headers["Location"]).path
    assert post_form(client, url + "/confirm", token_from=url).status_code == 302
    return client, url


def outbox(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxMessage.to_address)))


def import_id(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(EnrolmentImport.id))


def test_confirming_enqueues_one_job_that_sends_every_invitation_once(app, login, world):
    client, url = confirm(app, login, world)
    assert outbox(app) == []  # nothing sent in the request
    assert jobs.huey.pending_count() == 1
    assert "Invitations sent: 0 of 250." in client.get(url).get_data(as_text=True)

    run_queue(jobs.huey)
    sent = outbox(app)
    assert len(sent) == ROWS and len(set(sent)) == ROWS
    assert "Invitations sent: 250 of 250. Still to send: 0." in client.get(url).get_data(
        as_text=True
    )
    # The job again (a retry after a lost acknowledgement, or enqueued twice): nothing more.
    with app.app_context():
        assert send_import_invitations.call_local(import_id(app)) == 0
    jobs.huey.enqueue(send_import_invitations.s(import_id(app)))
    run_queue(jobs.huey)
    assert len(outbox(app)) == ROWS


def test_a_failing_batch_is_retried_from_where_it_stopped(app, login, world, monkeypatch):
    from app.cohorts import invitations

    real = invitations.send_invitation
    calls = {"n": 0}

    def flaky(user, cohort):
        calls["n"] += 1
        if calls["n"] == 150:  # in the second batch of 100
            raise OSError("disk full")
        real(user, cohort)

    monkeypatch.setattr(invitations, "send_invitation", flaky)
    client, url = confirm(app, login, world)
    run_queue(jobs.huey)
    assert len(outbox(app)) == 100  # the first batch committed, the second rolled back
    assert "Invitations sent: 100 of 250." in client.get(url).get_data(as_text=True)

    retries = jobs.huey.read_schedule(datetime.utcnow() + timedelta(hours=1))
    assert [task.name for task in retries] == ["cohorts.invitations"]
    for task in retries:  # its delay has passed
        task.eta = None
        jobs.huey.execute(task)
    run_queue(jobs.huey)
    sent = outbox(app)
    assert len(sent) == ROWS and len(set(sent)) == ROWS
    assert "Invitations sent: 250 of 250." in client.get(url).get_data(as_text=True)


def test_two_runs_at_once_take_each_batch_once(app, login, world):
    """A run that read the import before another committed its batch takes nothing."""
    from app.cohorts.invitations import send_invitation_batch

    confirm(app, login, world)
    with app.app_context():
        preview = db.session.get(EnrolmentImport, import_id(app))
        db.session.execute(  # another run took the first batch meanwhile
            db.update(EnrolmentImport)
            .where(EnrolmentImport.id == preview.id)
            .values(invites_sent=100, pending_invites=preview.pending_invites[100:])
        )
        db.session.commit()
        assert send_invitation_batch(preview.id, 100) == 100  # reads afresh: the next batch
    assert len(outbox(app)) == 0  # not committed: this transaction was left open, then closed
