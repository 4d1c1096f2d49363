"""Sign-in throughput against the password hash's own limit (cores ÷ one verification)."""

from __future__ import annotations

import os
import re
import time
import urllib.parse

from bench import scale
from bench.infra import say
from bench.load import Target, measure


def hash_rate(password: str, method: str) -> dict:
    """One verification of a hash made with the method the app stored (``scrypt:n:r:p``)."""
    from werkzeug.security import check_password_hash, generate_password_hash

    hashed = generate_password_hash(password, method=method)
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        check_password_hash(hashed, password)
        timings.append(time.perf_counter() - started)
    verify = sorted(timings)[len(timings) // 2]
    method, n, r, p = hashed.split("$", 1)[0].split(":")
    cores = os.cpu_count() or 1
    return {
        "method": f"{method} n={n} r={r} p={p}",
        "verify_ms": verify * 1000,
        "cores": cores,
        "hash_rate": cores / verify,
    }


def login_throughput(base: str, master: int, login: dict, *, connections: int, warmup, seconds):
    """wrk POSTs the login form with the CSRF token and session cookie of one GET."""
    with scale.get(base + "/login", None) as response:
        page = response.read().decode()
        set_cookie = response.headers.get("Set-Cookie", "")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    session = set_cookie.split(";", 1)[0].split("=", 1)[1]
    fields = {"csrf_token": token, "email": login["email"], "password": login["password"]}
    body = urllib.parse.urlencode({**fields, "next": ""})
    target = Target("login", base + "/login", master, session, body=body, expect=302)
    say(f"login: {connections} connections")
    run = measure(target, connections=connections, warmup=warmup, seconds=seconds, db_pid=None)
    if run["unexpected_status"]:
        say(f"login: {run['unexpected_status']} responses were not the 302 of a sign-in")
    rate = hash_rate(login["password"], login["method"])
    return {
        **rate,
        "rps": run["rps"],
        "connections": connections,
        "ratio": run["rps"] / rate["hash_rate"],
        "run": run,
    }
