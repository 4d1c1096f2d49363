"""Load with wrk and read the server's CPU from /proc around the measured run."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.infra import check_local, cpu_seconds
from bench.targets import USER_AGENT

LUA = Path(__file__).resolve().parent / "wrk.lua"


@dataclass(frozen=True)
class Target:
    """One URL on one server: its gunicorn master (for CPU) and the cookie it needs."""

    name: str
    url: str
    master: int
    cookie: str | None = None
    body: str | None = None
    expect: int = 200


def wrk(target: Target, *, connections: int, seconds: float, threads: int = 2) -> dict:
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if target.cookie:
        headers += ["-H", f"Cookie: tekser_session={target.cookie}"]
    command = [
        "wrk",
        "--threads",
        str(min(threads, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "--script",
        str(LUA),
        *headers,
        check_local(target.url),
        "--",
        str(target.expect),
    ]
    env = {**os.environ, "WRK_BODY": target.body or ""}
    out = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=True
    )
    for line in out.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON ") :])
    raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")


def drain(master: int, *, limit: float = 60.0, step: float = 0.2) -> float:
    """Wait until the server is idle again; return the seconds waited.

    When wrk stops, up to one request per connection is still queued in the listen backlog;
    sync workers serve them (to clients that have gone) before anything new. Measuring before
    they are done would charge the next run for them.
    """
    started = time.monotonic()
    quiet, last = 0, cpu_seconds(master)
    while quiet < 2 and time.monotonic() - started < limit:
        time.sleep(step)
        now = cpu_seconds(master)
        quiet = quiet + 1 if now - last < 0.1 * step else 0
        last = now
    return time.monotonic() - started


def measure(
    target: Target, *, connections: int, warmup: float, seconds: float, db_pid: int | None
) -> dict:
    """Warm up, then one measured run: throughput, latency, CPU ms per request."""
    if warmup > 0:
        wrk(target, connections=connections, seconds=warmup)
    drain(target.master)
    cpu_before = cpu_seconds(target.master)
    db_before = cpu_seconds(db_pid) if db_pid else 0.0
    raw = wrk(target, connections=connections, seconds=seconds)
    cpu = cpu_seconds(target.master) - cpu_before
    db_cpu = (cpu_seconds(db_pid) - db_before) if db_pid else 0.0
    requests = max(raw["requests"], 1)
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "cpu_ms": 1000 * cpu / requests,
        "db_cpu_ms": 1000 * db_cpu / requests,
        "requests": raw["requests"],
        "bytes_per_request": raw["bytes"] / requests,
        "unexpected_status": raw["unexpected"],
        "socket_errors": errors,
    }
