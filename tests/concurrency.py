"""Concurrency tests: the test's app served by a real multi-threaded server, browsers that keep
their cookies and post forms with the CSRF token the page gave them, and one helper that runs
callables at once (released together by a barrier)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import make_server

from tests.fixtures.app import CSRF_RE


def at_once(jobs: list[Callable]) -> list:
    """Run the callables in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i: int, job: Callable) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except Exception as exc:  # reported to the test, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request never finished"
    return results


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve ``app`` with werkzeug's threaded server (a thread per request, like gunicorn's
    gthread workers) on a free loopback port; yields the base URL."""
    app.config["PROPAGATE_TEST_ERRORS"] = False  # a 500 must reach the browser, as in production
    server = make_server("127.0.0.1", 0, app, threaded=True)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str


class Browser:
    """A browser of one signed-in person against the live server: cookies kept, English pages,
    and the ``Host`` the test configuration expects (``SERVER_NAME``)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None, host="localhost"):
        parts = urllib.parse.urlsplit(base_url)
        self.address = (parts.hostname, parts.port)
        self.host = host
        self.cookies = dict(cookies or {})
        self.lock = threading.Lock()

    @classmethod
    def signed_in(cls, base_url: str, app, client) -> Browser:
        """Take over the session of a test client (signed in with the ``login`` fixture)."""
        name = app.config["SESSION_COOKIE_NAME"]
        return cls(base_url, {name: client.get_cookie(name, domain="localhost").value})

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        connection = http.client.HTTPConnection(*self.address, timeout=60)
        headers = {"Host": self.host, "Accept-Language": "en", "Accept": "text/html"}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    with self.lock:
                        self.cookies[name] = rest.split(";", 1)[0]
            return Reply(response.status, dict(response.getheaders()), text)
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def token(self, path: str = "/") -> str:
        found = CSRF_RE.search(self.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post(self, path: str, form: dict | None = None, *, token: str) -> Reply:
        return self.request("POST", path, {**(form or {}), "csrf_token": token})


def statuses(replies: list) -> list:
    """The status of each reply (or the exception a request raised), for assertions."""
    return [r.status if isinstance(r, Reply) else repr(r) for r in replies]
