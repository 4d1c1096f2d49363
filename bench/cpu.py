"""CPU per request of every page ÷ the floor's, in-process: steadier than wrk on a busy machine.

    python -m bench.cpu SEED_JSON FLOOR_DATABASE_URL [--requests 300]   (JSON on stdout)

Each page (``bench/targets.py``, cohort of 20) and the floor are requested through Flask's test
client, alternating, and the process's CPU time (user + system) per request is measured, with
the SQL statements per request, the response size, and the Python function calls per request
(cProfile's count: deterministic, so comparable across runs whatever the load). No HTTP server
or socket is involved, so the figures are the application's own work; ``bench.run`` measures
the served pages. Used to find and check causes (issue 19) while other load makes wall-clock
throughput meaningless.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import event

from bench.sqlcount import cookie_for, fill
from bench.targets import PAGES, USER_AGENT


def cpu_ms(client, url: str, n: int) -> tuple[float, int]:
    headers = {"User-Agent": USER_AGENT}
    size = 0
    for _ in range(5):  # warm caches
        size = len(client.get(url, headers=headers).get_data())
    started = time.process_time()
    for _ in range(n):
        client.get(url, headers=headers).get_data()
    return (time.process_time() - started) * 1000 / n, size


def calls(client, url: str, n: int = 30) -> int:
    """Python function calls per request (cProfile's count): a deterministic proxy for the
    interpreter's work, unmoved by other load on the machine."""
    import cProfile
    import pstats

    headers = {"User-Agent": USER_AGENT}
    client.get(url, headers=headers).get_data()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(url, headers=headers).get_data()
    profiler.disable()
    return round(pstats.Stats(profiler).total_calls / n)  # type: ignore[attr-defined]


def statements(engine, client, url: str) -> int:
    found: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        found.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url, headers={"User-Agent": USER_AGENT}).get_data()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed")
    parser.add_argument("floor_url")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated page keys")
    args = parser.parse_args()
    seed = json.loads(Path(args.seed).read_text())

    from app import create_app
    from app.extensions import db
    from bench.floor.app import create_app as create_floor

    app = create_app()
    with app.app_context():
        engine = db.engine
    main_url = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = args.floor_url
    floor = create_floor().test_client()
    os.environ["DATABASE_URL"] = main_url
    wanted = set(args.only.split(",")) if args.only else None
    floor_calls = calls(floor, "/")
    results = {}
    for page in PAGES:
        if wanted and page.key not in wanted:
            continue
        url = fill(page.url, seed, "20")
        if url is None:
            continue
        client = app.test_client()
        cookie = cookie_for(page.who, seed, "20")
        if cookie:
            client.set_cookie("tekser_session", cookie)
        ratios, own, base = [], [], []
        for _ in range(args.rounds):
            f, _size = cpu_ms(floor, "/", args.requests)
            t, size = cpu_ms(client, url, args.requests)
            ratios.append(t / f)
            own.append(t)
            base.append(f)
        ratios.sort()
        results[page.key] = {
            "ms": sorted(own)[len(own) // 2],
            "floor_ms": sorted(base)[len(base) // 2],
            "ratio": ratios[len(ratios) // 2],
            "sql": statements(engine, client, url),
            "bytes": size,
            "calls": calls(client, url),
            "floor_calls": floor_calls,
        }
        r = results[page.key]
        print(
            f"{page.label:26} {r['ms']:6.2f} ms  floor {r['floor_ms']:5.2f} ms  "
            f"{r['ratio']:5.2f}×  {r['sql']} SQL  {r['bytes']:,} B  "
            f"{r['calls']:,} calls ({r['calls'] / floor_calls:.2f}× the floor's)",
            file=sys.stderr,
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
