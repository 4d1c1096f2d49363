"""Error pages in the visitor's language; JSON for API clients; never a stack trace."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    401: (_l("Please log in"), _l("You need to log in to see this.")),
    403: (_l("Access denied"), _l("You do not have access to this page.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. Check the link, or start from the home page."),
    ),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("Changed meanwhile"),
        _l(
            "Someone changed this while you were working on it. "
            "Reload the page to see the latest version."
        ),
    ),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. It has been logged; please try again later."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    text = message or str(default)
    if _wants_json():
        return jsonify(error=str(title), message=text, request_id=g.get("request_id")), code
    return render_template("errors/error.html", code=code, title=title, message=text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        return render_error(
            400, str(_l("The form had expired. Please reload the page and submit it again."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if error.code and error.code >= 500:
            return server_error(error)
        return render_error(error.code or 400)

    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        if not isinstance(error, HTTPException) or isinstance(error, InternalServerError):
            app.logger.exception("unhandled error, request %s", g.get("request_id"))
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
