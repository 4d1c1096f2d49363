"""Static files: versioned URLs cached for a year; anything else revalidated (issue 19)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from app import assets

CSS = "css/tekser.css"


def linked_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_static_files_by_content_version(app, client):
    html = client.get("/").get_data(as_text=True)
    urls = linked_urls(html)
    assert urls, "the landing page links its stylesheet"
    digest = hashlib.sha256(Path(app.static_folder, CSS).read_bytes()).hexdigest()[:10]
    assert f"/static/{CSS}?v={digest}" in urls
    assert all("?v=" in url for url in urls)


def test_a_versioned_url_is_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    for url in linked_urls(html):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_old_or_missing_version_is_revalidated(client):
    for url in (f"/static/{CSS}", f"/static/{CSS}?v=0123456789"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_url_while_developing(app, tmp_path, monkeypatch):
    (tmp_path / "x.css").write_text("a{}")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    app.debug = True
    try:
        with app.test_request_context():
            first = assets.version("x.css")
            (tmp_path / "x.css").write_text("b{}")
            assert assets.version("x.css") != first
            assert assets.version("../x.css") is None
            assert assets.version("missing.css") is None
    finally:
        app.debug = False
