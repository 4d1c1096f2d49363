"""Revalidated pages: an ETag over what the page shows, so a revisit downloads nothing (304).

For a signed-in page whose HTML is the same on a revisit (a module's lesson, video and
transcript: 30 KB on a phone). The page is still rendered — what it shows depends on progress,
flash messages and the language, all of which the ETag covers because it is taken over the HTML
itself — but an unchanged page is answered ``304 Not Modified`` with no body. ``private`` keeps
it out of shared caches; ``no-cache`` makes the browser ask every time, so a change (a lesson
re-imported, a quiz passed, a flash message) is never missed.

The CSRF token differs in every response (it carries a timestamp), so the ETag is taken over the
HTML without it, plus the session's CSRF secret the token is made from: the page the browser
keeps holds a token that this session still accepts (``WTF_CSRF_TIME_LIMIT`` is None), and a new
session (another login) gets a new page.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, make_response, request, session
from flask_wtf.csrf import generate_csrf

CACHE_CONTROL = "private, no-cache"


def conditional_page(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    if status != 200:
        return response
    token = generate_csrf()  # the one this request's page holds (cached for the request)
    digest = hashlib.sha256(html.replace(token, "").encode())
    secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    digest.update(str(secret).encode())
    response.set_etag(digest.hexdigest()[:32], weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.make_conditional(request)  # 304 and no body when the ETag matches
    return response
