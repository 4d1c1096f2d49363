"""Where a page's server time goes: every SQL statement timed, the slowest EXPLAINed.

    python -m bench.explain SEED_JSON URL [--who admin|reviewer|student-20...] [--top 3]
    python -m bench.explain SEED_JSON URL --who student-20 --profile 200  # CPU by function

Runs in-process (Flask test client) against DATABASE_URL with the cookies a seed printed
(``python -m bench.seed main|scale``). For finding the cause of a missed target; the benchmark
itself does not call it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from sqlalchemy import event

from bench.targets import USER_AGENT


def profile(app, url: str, cookie: str | None) -> tuple[int, float, list[dict]]:
    from app.extensions import db

    client = app.test_client()
    if cookie:
        client.set_cookie("tekser_session", cookie)
    headers = {"User-Agent": USER_AGENT}
    client.get(url, headers=headers)  # warm
    timings: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        timings.append({"ms": ms, "sql": statement, "params": parameters})

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        body = response.get_data()  # a streamed body runs its queries here
        total = (time.perf_counter() - started) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    print(f"HTTP {response.status_code}, {len(body):,} bytes, {total:.0f} ms in all")
    return response.status_code, total, timings


def python_profile(app, url: str, cookie: str | None, requests: int, top: int) -> None:
    """cProfile of ``requests`` requests: where the server's CPU goes outside the database."""
    import cProfile
    import pstats

    client = app.test_client()
    if cookie:
        client.set_cookie("tekser_session", cookie)
    headers = {"User-Agent": USER_AGENT}
    client.get(url, headers=headers).get_data()  # warm
    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
    started = time.process_time()
    profiler.enable()
    for _ in range(requests):
        client.get(url, headers=headers).get_data()
    profiler.disable()
    cpu_ms = (time.process_time() - started) * 1000 / requests
    print(f"{requests} requests, {cpu_ms:.1f} ms CPU each (under the profiler)")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def explain(app, statement: str, params) -> str:
    from app.extensions import db

    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            connection.rollback()
            connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed")
    parser.add_argument("url")
    parser.add_argument("--who", help="a key of the seed's cookies")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile N requests instead")
    args = parser.parse_args()
    seed = json.loads(Path(args.seed).read_text())
    from app import create_app

    app = create_app()
    cookie = seed["cookies"][args.who] if args.who else None
    if args.profile:
        python_profile(app, args.url, cookie, args.profile, max(args.top, 40))
        return
    _status, total, timings = profile(app, args.url, cookie)
    sql_ms = sum(t["ms"] for t in timings)
    print(f"{len(timings)} statements, {sql_ms:.0f} ms in SQL, {total - sql_ms:.0f} ms elsewhere")
    for t in timings:
        print(f"{t['ms']:8.1f} ms  {' '.join(t['sql'].split())[:150]}")
    for t in sorted(timings, key=lambda t: -t["ms"])[: args.top]:
        print(f"\n--- {t['ms']:.1f} ms ---\n{t['sql']}\n{t['params']}")
        print(explain(app, t["sql"], t["params"]))


if __name__ == "__main__":
    main()
