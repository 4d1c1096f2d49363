"""How the app talks to its database, per connection and per transaction (ADR 0002, 0008, 0026).

- **SQLite** as a real transactional database: foreign keys enforced, and SAVEPOINTs that do not
  commit the outer transaction (pysqlite's own transaction handling gets both wrong; this is
  SQLAlchemy's documented recipe). SQLite allows one writer at a time. A transaction that reads
  first and writes later (a plain deferred ``BEGIN``) cannot wait for the lock when another
  writer got in between: SQLite answers "database is locked" at once. So every transaction that
  may write takes the write lock up front (``BEGIN IMMEDIATE``) and waits for it (the
  connection's busy timeout); safe requests (GET, HEAD, OPTIONS) keep a deferred ``BEGIN`` and
  read concurrently, which WAL journal mode lets them do while a writer works.
- **PostgreSQL** without JIT (short OLTP queries: it costs more to compile than it saves). A safe
  request reads outside a transaction: no ``BEGIN``, no ``COMMIT``, two round trips fewer
  (issue 19). Under READ COMMITTED each statement takes a fresh snapshot inside a transaction
  too, so a page reads nothing different; a safe request writes nothing
  (tests/test_get_writes_nothing.py), except the audit rows of a refused one, each a statement.
  A streamed export's server-side cursor needs a transaction: it gets one, just before it.
- **Stale connections** (a database restart, a dropped idle connection) are found by pinging a
  connection that has sat in the pool longer than ``POOL_PING_AFTER`` seconds before handing it
  out, not every connection on every request: a busy worker's connection was in use a moment
  ago, and the ping was a round trip on every request (issue 19).
"""

from __future__ import annotations

import time

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

READS_AUTOCOMMIT = "tekser.reads_autocommit"
IDLE_SINCE = "tekser.idle_since"
DEFAULT_PING_AFTER = 10.0


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
READ_ONLY_REQUEST = "reads_outside_a_transaction"


def start_request() -> None:
    """A request the app dispatches (its hooks run, unlike a bare ``test_request_context``)
    that is safe reads outside a transaction on PostgreSQL."""
    if request.method in SAFE_METHODS:
        g.setdefault(READ_ONLY_REQUEST, True)


def may_write() -> bool:
    """Whether the transaction starting now may write: a request of an unsafe method, or work
    outside a request (a CLI command, a job). An error page rendered after a failed write only
    reads (``g.read_only``), so it does not queue for the lock again."""
    if has_app_context() and g.get("read_only"):
        return False
    if has_request_context():
        # No GET writes (tests/test_get_writes_nothing.py), so a safe method only reads.
        return request.method not in SAFE_METHODS
    return True


def install() -> None:
    """Listen on every engine and pool (once per process)."""
    if getattr(install, "done", False):
        return
    install.done = True  # type: ignore[attr-defined]
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
    event.listen(Engine, "before_cursor_execute", _on_before_cursor_execute)
    event.listen(Engine, "savepoint", _on_savepoint)
    event.listen(Pool, "checkout", _on_checkout)
    event.listen(Pool, "checkin", _on_checkin)


def _on_connect(dbapi_connection, _record) -> None:
    module = type(dbapi_connection).__module__
    if module.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()
    elif module.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers do not block the writer nor it them (an in-memory database stays "memory").
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if may_write() else "BEGIN")
    elif connection.dialect.name == "postgresql" and has_app_context() and g.get(READ_ONLY_REQUEST):
        _read_outside_a_transaction(connection)


def _read_outside_a_transaction(connection) -> None:
    """psycopg sends ``BEGIN`` just before the first statement, so switching to autocommit now,
    before any, is allowed; the connection is switched back when it returns to the pool."""
    fairy = connection.connection
    dbapi_connection = fairy.dbapi_connection
    if getattr(dbapi_connection, "autocommit", True):
        return
    if dbapi_connection.info.transaction_status.name != "IDLE":
        return
    dbapi_connection.autocommit = True
    fairy.info[READS_AUTOCOMMIT] = True


def _on_before_cursor_execute(conn, cursor, statement, parameters, context, executemany) -> None:
    """A server-side cursor (``stream_results``: the exports) needs a transaction: a safe
    request that streams takes one here, before its ``DECLARE``, until the request ends."""
    if hasattr(cursor, "name"):
        _take_a_transaction(conn)


def _on_savepoint(conn, _name) -> None:
    """So does a SAVEPOINT (``begin_nested``), should a safe request ever make one."""
    _take_a_transaction(conn)


def _take_a_transaction(conn) -> None:
    if not conn.connection.info.get(READS_AUTOCOMMIT):
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.autocommit and dbapi_connection.info.transaction_status.name == "IDLE":
        dbapi_connection.autocommit = False


def _on_checkin(dbapi_connection, record) -> None:
    if record is None or dbapi_connection is None:
        return
    if record.info.pop(READS_AUTOCOMMIT, False):
        dbapi_connection.autocommit = False
    record.info[IDLE_SINCE] = time.monotonic()


def _ping_after() -> float:
    if has_app_context():
        return float(current_app.config.get("POOL_PING_AFTER", DEFAULT_PING_AFTER))
    return DEFAULT_PING_AFTER


def _on_checkout(dbapi_connection, record, _proxy) -> None:
    """Ping a connection that idled in the pool for a while; a dead one is replaced (the pool
    retries the checkout with a fresh connection when this raises ``DisconnectionError``)."""
    idle_since = record.info.pop(IDLE_SINCE, None)
    if idle_since is None or time.monotonic() - idle_since <= _ping_after():
        return  # new, or in use a moment ago
    if not _alive(dbapi_connection):
        raise exc.DisconnectionError()


def _alive(dbapi_connection) -> bool:
    in_transactions = getattr(dbapi_connection, "autocommit", None) is False
    try:
        if in_transactions:  # psycopg: no BEGIN for the ping (as SQLAlchemy's own do_ping)
            dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        if in_transactions:
            dbapi_connection.autocommit = False
    except Exception:  # the driver's own error classes: any failure means "replace it"
        return False
    return True
