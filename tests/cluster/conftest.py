"""The cluster of tests/cluster/cluster.py, once for the module: it needs PostgreSQL (the
cluster gets a database of its own on TEST_DATABASE_URL's server), Debian's nginx and
redis-server (scripts/test.sh and scripts/cluster.sh install them). On SQLite runs it skips:
scripts/test.sh runs it once, with the PostgreSQL suite."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator

import pytest

from tests.cluster.cluster import Cluster
from tests.cluster.sink import SlowSink, start_sink
from tests.fixtures.app import ON_POSTGRES, TEST_DB_URL
from tests.fixtures.mail import free_port
from tests.ops.conftest import _private_redis


def pytest_collection_modifyitems(config, items):
    missing = [
        reason
        for reason, absent in (
            ("PostgreSQL (TEST_DATABASE_URL)", not ON_POSTGRES),
            ("nginx", not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx"))),
        )
        if absent
    ]
    if not missing:
        return
    skip = pytest.mark.skip(reason="the two-node test needs " + " and ".join(missing))
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def cluster_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped at the end."""
    import psycopg

    assert TEST_DB_URL
    admin_url = TEST_DB_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"tekser_cluster_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _old = TEST_DB_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def smtp_sink() -> Iterator[tuple[SlowSink, int]]:
    port = free_port()
    sink, controller = start_sink(port)
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, cluster_database, smtp_sink) -> Iterator[Cluster]:
    """Everything started; everything stopped at the end, whatever happened."""
    for redis in _private_redis(tmp_path_factory):
        folder = tmp_path_factory.mktemp("cluster")
        running = Cluster(folder, cluster_database, redis.url, smtp_sink[1])
        try:
            try:
                running.start()
            except Exception as error:
                raise RuntimeError(f"the cluster did not start:\n{running.logs()}") from error
            yield running
        finally:
            running.stop()
