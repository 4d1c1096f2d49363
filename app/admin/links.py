"""Links that leave the site (emails, invite links) use the configured public ``BASE_URL``,
also from the command line, where there is no request to take a host from."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def external_url(endpoint: str, **values) -> str:
    """``BASE_URL`` followed by the route's path (as ``flask cohorts create`` prints it)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)[len(request.script_root) :]
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def invite_url(cohort) -> str | None:
    if not cohort.invite_code:
        return None
    return external_url("cohorts.join", code=cohort.invite_code)
