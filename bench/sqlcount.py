"""SQL statements per request, for each page, with cohorts of 20 and of 10,000 students.

    python -m bench.sqlcount SEED_JSON      (JSON on stdout)

In-process through Flask's test client, counting with a ``before_cursor_execute`` listener on
the engine. Each page is requested twice and the second request counted (the first may warm
caches). The signed-in user is the one the page needs, in the cohort of that size.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import event

from bench.targets import PAGES, USER_AGENT

SIZES = ("20", "10000")


def fill(url: str, seed: dict, size: str) -> str | None:
    code = seed["codes"].get(size)
    if "{code}" in url and not code:
        return None
    return url.format(
        course=seed["course"],
        module=seed["module"],
        cohort_id=seed["cohorts"][size]["id"],
        code=code,
    )


def cookie_for(who: str | None, seed: dict, size: str) -> str | None:
    if who is None:
        return None
    return seed["cookies"]["admin" if who == "admin" else f"{who}-{size}"]


def count(app, client, url: str, cookie: str | None) -> dict:
    from app.extensions import db

    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:160])

    client.delete_cookie("tekser_session")
    if cookie:
        client.set_cookie("tekser_session", cookie)
    headers = {"User-Agent": USER_AGENT}
    client.get(url, headers=headers)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return {"status": response.status_code, "queries": len(statements), "sql": statements}


def main() -> None:
    seed = json.loads(Path(sys.argv[1]).read_text())
    from app import create_app

    app = create_app()
    client = app.test_client()
    result = {}
    for page in PAGES:
        result[page.key] = {}
        for size in SIZES:
            url = fill(page.url, seed, size)
            if url is None:
                result[page.key][size] = {"status": None, "queries": None, "sql": []}
                continue
            result[page.key][size] = count(app, client, url, cookie_for(page.who, seed, size))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
