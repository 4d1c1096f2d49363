"""Two web nodes behind nginx, a job worker and the scheduler, all started from deploy/ on
loopback (tests/cluster/cluster.py), on PostgreSQL and Redis: nothing assumes one process, and
killing a node or the worker mid-work loses nothing (issue 15, ADR 0018).

The tests share one cluster and run in this order; each leaves it whole for the next."""

from __future__ import annotations

import io
import os
import re
import secrets
import time
from pathlib import Path

import pytest
from huey.storage import RedisStorage
from PIL import Image

from app.sample_data.demo import DEMO_PASSWORD
from tests.cluster.client import VERSION_RE, Browser
from tests.cluster.cluster import ACCEL, Cluster

pytestmark = pytest.mark.cluster

HOST = "127.0.0.1"
HW = "/courses/fact-checking/modules/disinformation/homework"
FACT_CHECK = {
    "claim": "A photo shows snow in Almaty in July.",
    "claim_url": "https://example.com/post/1",
    "platform": "Telegram",
    "verdict": "false",
    "evidence-0-url": "https://example.org/weather-archive",
    "evidence-0-note": "The weather archive for that week",
    "method": "Reverse image search, then the weather archive.",
    "reasoning": "The photo was taken in January 2019 and reposted.",
}


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: its size is about side * side * 3 bytes."""
    image = Image.frombytes("RGB", (side, side), secrets.token_bytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def signed_in(cluster: Cluster, email: str, base: str | None = None) -> Browser:
    browser = Browser(base or cluster.base, HOST)
    browser.log_in(email, DEMO_PASSWORD)
    return browser


def homework_form(browser: Browser, **extra: str) -> dict[str, str]:
    found = VERSION_RE.search(browser.get(HW).text)
    return {**FACT_CHECK, "version": found.group(1) if found else "", **extra}


def screenshots(cluster: Cluster) -> dict[int, str]:
    return dict(cluster.query("SELECT id, stored_name FROM screenshot ORDER BY id"))


def stored(cluster: Cluster, name: str) -> Path:
    return cluster.storage / name[:2] / name


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.3)
    return result


def test_a_students_session_moves_freely_between_nodes(cluster):
    student = signed_in(cluster, "student.en@demo.tekser.kz")
    pages = [student.get("/dashboard") for _ in range(6)]
    # Signed in on every page (the dashboard sends anyone else to the login page), whichever
    # node served it: the session lives in PostgreSQL, the cookie is signed with the shared key.
    assert [page.status for page in pages] == [200] * 6
    assert all('action="/logout"' in page.text for page in pages)
    nodes = cluster.served_by(page.request_id for page in pages)
    assert len(nodes) == 6
    assert set(nodes.values()) == {"node1", "node2"}


def test_one_accounts_login_limit_holds_across_nodes(cluster):
    browser = Browser(cluster.base, HOST)
    token = browser.token("/login")
    form = {"email": "admin@demo.tekser.kz", "password": "not the password", "next": ""}
    replies = [browser.post("/login", form, token=token) for _ in range(12)]
    # ACCOUNT_RATE_LIMIT is 5 per minute for the account, counted in Redis by both nodes.
    assert [reply.status for reply in replies] == [200] * 5 + [429] * 7
    nodes = cluster.served_by(reply.request_id for reply in replies)
    refused_by = {nodes[reply.request_id] for reply in replies if reply.status == 429}
    assert refused_by == {"node1", "node2"}


def test_homework_uploaded_through_node_1_is_seen_by_a_reviewer_on_node_2(cluster):
    student = signed_in(cluster, "student.en@demo.tekser.kz", cluster.node_url(0))
    form = homework_form(student, submit="x")
    sent = student.post_files(HW, form, [("screenshots", "snow.png", noise_png(120))])
    assert sent.status == 302, sent.text[-2000:]
    [(submission_id,)] = cluster.query(
        'SELECT s.id FROM submission s JOIN "user" u ON u.id = s.user_id '
        "WHERE u.email = %s AND s.status = 'submitted'",
        "student.en@demo.tekser.kz",
    )
    [(shot_id, name)] = cluster.query(
        "SELECT id, stored_name FROM screenshot WHERE submission_id = %s", submission_id
    )

    reviewer = signed_in(cluster, "reviewer@demo.tekser.kz", cluster.node_url(1))
    page = reviewer.get(f"/review/submissions/{submission_id}")
    assert page.status == 200
    assert FACT_CHECK["claim"] in page.text
    assert f"/homework/screenshots/{shot_id}" in page.text
    # Node 2 checks access and hands the bytes to nginx (X-Accel-Redirect, no body)...
    direct = reviewer.get(f"/homework/screenshots/{shot_id}")
    assert direct.status == 200
    assert direct.headers["x-accel-redirect"] == f"{ACCEL}{name[:2]}/{name}"
    assert direct.body == b""
    # ... which nginx sends from the shared folder node 1 wrote to.
    through_nginx = reviewer.at(cluster.base).get(f"/homework/screenshots/{shot_id}")
    assert through_nginx.status == 200
    assert through_nginx.body == stored(cluster, name).read_bytes()
    assert through_nginx.headers["content-disposition"].startswith("attachment")
    assert "x-accel-redirect" not in through_nginx.headers
    # Nobody reaches the internal location from outside.
    assert Browser(cluster.base, HOST).get(f"{ACCEL}{name[:2]}/{name}").status == 404


def test_a_node_killed_mid_upload_loses_nothing_and_the_cluster_recovers(cluster):
    student = signed_in(cluster, "student@demo.tekser.kz")
    draft = homework_form(student, save="x")
    saved = student.post_files(HW, draft, [("screenshots", "first.png", noise_png(100))])
    assert saved.status == 302, saved.text[-2000:]
    before_rows = cluster.query("SELECT id, version FROM submission ORDER BY id")
    before_shots = screenshots(cluster)

    # A slow upload straight to node 1; the whole node is SIGKILLed half way through.
    upload = student.at(cluster.node_url(0)).slow_upload(
        HW, homework_form(student, save="x"), [("screenshots", "second.png", noise_png(300))]
    )
    with pytest.raises(OSError):  # the connection dies with the node
        for sent in upload:
            if sent > 150_000 and cluster.processes["node1"].alive:
                cluster.processes["node1"].kill()
    assert not cluster.processes["node1"].alive

    # Nothing committed half-way, nothing committed lost, no row without its file.
    assert cluster.query("SELECT id, version FROM submission ORDER BY id") == before_rows
    assert screenshots(cluster) == before_shots
    assert all(stored(cluster, name).is_file() for name in screenshots(cluster).values())

    # nginx serves everything from node 2 meanwhile.
    assert [student.get(HW).status for _ in range(4)] == [200] * 4

    # What a crash between writing and committing leaves: a temporary file and a written file
    # no row refers to. The upload sweep (a job on the queue) removes both.
    folder = cluster.storage / "ab"
    folder.mkdir(exist_ok=True)
    leftovers = [folder / ".ab12cd.tmp", folder / ("ab" + secrets.token_hex(15) + ".png")]
    two_hours_ago = time.time() - 7200
    for path in leftovers:
        path.write_bytes(b"left behind")
        os.utime(path, (two_hours_ago, two_hours_ago))
    cluster.python("from app.tasks import sweep_uploads; sweep_uploads()")
    wait_until(lambda: not any(p.exists() for p in leftovers), 30, "the upload sweep")
    assert all(stored(cluster, name).is_file() for name in screenshots(cluster).values())

    # Node 1 comes back; nginx sends it requests again, and it is ready.
    restarted = cluster.start_node(0)
    assert restarted.alive

    def node1_serves() -> bool:
        reply = student.get("/readyz")
        return (
            reply.status == 200
            and cluster.served_by([reply.request_id]).get(reply.request_id) == "node1"
        )

    wait_until(node1_serves, 30, "nginx to route to the restarted node 1")
    assert student.get(HW).status == 200


def test_a_worker_killed_mid_send_loses_no_mail_and_sends_none_twice(cluster, smtp_sink):
    """The sink keeps each message as it arrives and answers slowly, so the killed worker never
    hears "250 OK" for the messages in flight: those are sent again (after the stale claim),
    with their Message-ID; counted by Message-ID, every message arrives exactly once.

    Two of the newcomers also ask for a password reset while the worker is busy; the worker
    dies holding every queued job (the queue is emptied, as Redis forgets what a dead consumer
    took): the reset requests' rows bring their mails back through the sweep, one each."""
    sink, _port = smtp_sink
    sink.delay = 1.5
    people = {f"newcomer{i}.{secrets.token_hex(3)}@example.org" for i in range(6)}
    browser = Browser(cluster.base, HOST)
    token = browser.token("/register")
    for email in sorted(people):
        form = {"name": "New Comer", "email": email, "password": "a long password 42"}
        reply = browser.post("/register", {**form, "confirm": form["password"], "next": ""}, token)
        assert reply.status == 302, reply.text[-1500:]
    outbox = dict(
        cluster.query(
            "SELECT message_id, to_address FROM outbox_message WHERE to_address = ANY(%s)",
            list(people),
        )
    )
    assert set(outbox.values()) == people  # written with each registration, one each

    # Two sends in flight at once: at least one is the worker's (the scheduler has one thread).
    wait_until(lambda: sink.in_progress >= 2, 30, "two messages in flight")
    resetting = set(sorted(people)[:2])
    visitor = Browser(cluster.base, HOST)
    token = visitor.token("/forgot-password")
    for email in sorted(resetting):
        reply = visitor.post("/forgot-password", {"email": email}, token)
        assert reply.status == 302, reply.text[-1500:]
    cluster.processes["worker"].kill()
    RedisStorage(name="tekser", url=cluster.env["QUEUE_URL"]).flush_queue()
    lost = cluster.query(
        'SELECT r.id FROM password_reset_request r JOIN "user" u ON u.id = r.user_id '
        "WHERE r.processed_at IS NULL AND u.email = ANY(%s)",
        list(resetting),
    )
    in_flight = {
        mid
        for (mid,) in cluster.query(
            "SELECT message_id FROM outbox_message WHERE status = 'pending' "
            "AND claimed_at IS NOT NULL AND to_address = ANY(%s)",
            list(people),
        )
    }
    cluster.start_worker()

    def all_sent() -> bool:
        statuses = cluster.query(
            "SELECT status FROM outbox_message WHERE to_address = ANY(%s)", list(people)
        )
        unprocessed = cluster.query(
            "SELECT count(*) FROM password_reset_request WHERE processed_at IS NULL"
        )
        return unprocessed == [(0,)] and all(status == "sent" for (status,) in statuses)

    # Stale claims go back out with the next run of the per-minute sweep.
    wait_until(all_sent, 100, "every message to be sent")
    sink.delay = 0
    arrived = sink.counts(people)
    resets = dict(
        cluster.query(
            "SELECT message_id, to_address FROM outbox_message WHERE to_address = ANY(%s) "
            "AND message_id <> ALL(%s)",
            list(people),
            list(outbox),
        )
    )
    assert sorted(resets.values()) == sorted(resetting)  # one reset mail each
    assert lost, "the worker died with no reset request left to the sweep"
    outbox |= resets
    assert set(arrived) == set(outbox)  # none lost, none unknown
    again = {mid for mid, times in arrived.items() if times > 1}
    assert again <= in_flight  # only what the dead worker never heard accepted came twice
    assert all(times <= 2 for times in arrived.values())
    assert in_flight, "the worker was killed with no message in flight"

    # Once per period: only the scheduler enqueues the periodic jobs, never a worker.
    def periodic(name: str) -> list[str]:
        return [
            line["message"]
            for line in cluster.processes[name].log_lines()
            if re.match(r"Enqueueing periodic task", line.get("message", ""))
        ]

    assert any("mail.sweep" in message for message in periodic("scheduler"))
    assert periodic("worker") == []
    # The worker is back and working for the queue again.
    worker = cluster.processes["worker"]
    assert worker.alive
    started = [x for x in worker.log_lines() if x["message"].startswith("Huey consumer started")]
    assert len(started) == 2
