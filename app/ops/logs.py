"""Logs: one JSON object per line in production (``LOG_FORMAT=json``), plain text in development.

Every record written during a request carries the request's id (``g.request_id``, also sent
as ``X-Request-ID``), method, path and client address, and the signed-in user's id when the
request already loaded the user (never a query just for the log). Each request ends with one
access line from the ``tekser.access`` logger: status and duration. JSON escapes every control
character and non-ASCII letter, so nothing in a path or a message can split a line or forge
another one.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

access_log = logging.getLogger("tekser.access")

# An incoming X-Request-ID (from nginx's $request_id, a load balancer) is kept only if it is a
# short plain token: it goes into logs, headers and the audit log's 32-character column.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_HANDLER_MARK = "_tekser_handler"
# Libraries that narrate their routine work at INFO.
QUIET_LOGGERS = ("weasyprint", "fontTools", "alembic.runtime.plugins")
# Attributes every LogRecord has; anything else came through ``extra=`` and is logged as a field.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys() | {"message", "asctime"}
)


def request_id() -> str:
    """This request's id: the caller's ``X-Request-ID`` if it is a safe short token, else new."""
    incoming = request.headers.get("X-Request-ID", "")
    if SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(8)


def request_fields() -> dict:
    """What a log line says about the request being served (empty outside a request)."""
    if not has_request_context():
        return {}
    fields = {
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": request.path,
        "remote_addr": request.remote_addr,
    }
    # Flask-Login keeps the loaded user here; reading current_user would load it (a query), and
    # so would reading a column of the user after the request's commit expired it: the identity
    # map knows the id without either. An anonymous user is not a mapped object.
    user = g.get("_login_user")
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    if state is not None and state.identity:
        fields["user_id"] = state.identity[0]
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        line.update(request_fields())
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=True, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = request_fields().get("request_id")
        return f"{text} [request {rid}]" if rid else text


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (gunicorn and pytest replace it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def formatter_for(kind: str) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure(app: Flask) -> None:
    """One handler on the root logger, so the app's, the audit's and the libraries' records come
    out in one format. Installed once per process; the latest app decides the format."""
    kind = str(app.config.get("LOG_FORMAT", "text")).lower()
    app.config["LOG_FORMAT"] = kind
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = _StderrHandler()
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    handler.setFormatter(formatter_for(kind))
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # Flask's own handler would write each app record a second time, in its own format.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)


def log_access(status: int, seconds: float) -> None:
    """The request's access line (JSON logs only: in development the server prints its own)."""
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        status,
        extra={"status": status, "duration_ms": round(seconds * 1000, 2)},
    )
