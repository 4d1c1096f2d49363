"""Every absolute link that leaves the app (emails, QR codes, credentials, invitations, digests)
is built here, from the configured public ``BASE_URL``, never from the request's Host header:
a forged Host must not put an attacker's address in a password-reset email, and commands run
from cron have no request at all."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    """The public address, without a trailing slash."""
    return current_app.config["BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """``BASE_URL`` followed by the route's path, in a request or outside one."""
    values.pop("_external", None)
    if has_request_context():
        return base_url() + _path(endpoint, values)
    # A request for BASE_URL itself: its host is trusted (production refuses others).
    with current_app.test_request_context("/", base_url=base_url() + "/"):
        return base_url() + _path(endpoint, values)


def _path(endpoint: str, values: dict) -> str:
    # url_for's path starts with the mount point (script root); BASE_URL already names it.
    return url_for(endpoint, **values)[len(request.script_root) :]
