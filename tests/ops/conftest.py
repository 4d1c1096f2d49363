"""Redis for the rate-limit tests (a real server on loopback: ``TEST_REDIS_URL``, as
scripts/test.sh exports it, or one started here from Debian's redis-server), and the production
app of tests/auth."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.auth.conftest import production_app  # noqa: F401 (a fixture)
from tests.fixtures.app import ROOT

NO_REDIS = "needs Redis: set TEST_REDIS_URL or install redis-server (scripts/test.sh does both)"


class RedisServer:
    """A private redis-server that a test may stop and start again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = ""

    def start(self) -> str:
        if self.url:  # again, on the same port
            port = self.url.rsplit(":", 1)[1].split("/")[0]
            subprocess.run(
                ["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder), "--daemonize", "yes",
                 "--pidfile", str(self.folder / "redis.pid")],
                check=True, capture_output=True,
            )  # fmt: skip
            self._wait(port)
            return self.url
        self.url = subprocess.run(
            ["bash", str(ROOT / "scripts" / "redis.sh"), "start", str(self.folder)],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        return self.url

    def _wait(self, port: str) -> None:
        for _ in range(50):
            if (
                subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True).returncode
                == 0
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "redis.sh"), "stop", str(self.folder)],
            check=False, capture_output=True,
        )  # fmt: skip


def _private_redis(tmp_path_factory) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip(NO_REDIS)
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A Redis for the session's tests (they use their own key prefixes, or reset their keys)."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    for server in _private_redis(tmp_path_factory):
        yield server.url


@pytest.fixture
def private_redis(tmp_path_factory) -> Iterator[RedisServer]:
    """A Redis this test alone uses, and may stop (Debian's redis-server, needed here)."""
    yield from _private_redis(tmp_path_factory)
