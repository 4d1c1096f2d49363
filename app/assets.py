"""Static files under versioned URLs, cached for a year (issue 19).

``url_for('static', filename=...)`` adds ``?v=`` and the first 10 hex digits of the file's
SHA-256, so a changed file gets a new URL. A request that names the current version is answered
with ``Cache-Control: public, max-age=31536000, immutable``: a phone revisiting any page
downloads no stylesheet, script or icon again. Any other request for a static file (no version,
an old one) keeps ``no-cache`` with Flask's ETag, so it is revalidated, never stale.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
_versions: dict[tuple[str, str], str] = {}


def version(filename: str) -> str | None:
    """The current version of a static file (None when there is no such file)."""
    folder = current_app.static_folder
    key = (folder or "", filename)
    # Served files change only with a deployment (a restart), but while developing, at once.
    found = _versions.get(key)
    if found is not None and not current_app.debug:
        return found
    joined = safe_join(folder, filename) if folder else None
    if joined is None:
        return None
    try:
        found = hashlib.sha256(Path(joined).read_bytes()).hexdigest()[:10]
    except (OSError, ValueError):
        return None
    _versions[key] = found
    return found


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static":
            return
        if VERSION_ARG not in values and "filename" in values:
            found = version(values["filename"])
            if found:
                values[VERSION_ARG] = found

    @app.after_request
    def cache_versioned(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        wanted = request.args.get(VERSION_ARG)
        filename = (request.view_args or {}).get("filename", "")
        if wanted and wanted == version(filename):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response
