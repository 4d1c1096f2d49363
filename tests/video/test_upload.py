"""An admin's upload: streamed to the work folder, checked by ffprobe (not by its name),
converted in the background; too large or broken files are refused with a translated error."""

from __future__ import annotations

import io

import pytest

from app.policy import Role
from tests.fixtures.app import csrf_token
from tests.video.conftest import state

PAGE = "/admin/videos/demo/m1"


@pytest.fixture
def admin(app, client, login, make_user, course):
    login(client, make_user(Role.ADMIN))
    return client


def upload(client, data: bytes, name: str = "clip.mp4", lang: str = "en", **kwargs):
    token = csrf_token(client, PAGE)
    return client.post(
        f"{PAGE}/{lang}",
        data={f"{lang}-csrf_token": token, f"{lang}-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_an_upload_is_converted_and_shown(app, admin, clip):
    response = upload(admin, clip.read_bytes())
    assert response.status_code == 302
    found = state(app)
    assert found["jobs"][-1].origin == "upload" and found["sha256"]
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Published" in page and "low" in page and "poster" in page
    stored = list(
        (
            app.config["MEDIA_WORK_DIR"]
            and __import__("pathlib").Path(app.config["MEDIA_WORK_DIR"]) / "uploads"
        ).glob("*.src")
    )
    assert [p.name for p in stored] == [f"{found['sha256']}.src"]
    assert not list(stored[0].parent.glob(".upload-*"))  # no temporary left behind


def test_a_file_that_is_not_a_video_is_refused_whatever_its_name(app, admin):
    response = upload(admin, b"<html>not a video</html>" * 100, name="lesson.mp4")
    assert response.status_code == 422
    assert "not a video ffmpeg can read" in response.get_data(as_text=True)
    assert state(app)["jobs"] == []


def test_a_broken_upload_keeps_the_previous_video(app, admin, clip, broken):
    assert upload(admin, clip.read_bytes()).status_code == 302
    before = state(app)
    response = upload(admin, broken.read_bytes())
    assert response.status_code == 422
    assert state(app)["sha256"] == before["sha256"]


def test_a_too_large_upload_is_refused_early(app, admin, clip):
    app.config["VIDEO_UPLOAD_MAX_BYTES"] = 10_000
    response = upload(admin, clip.read_bytes())
    assert response.status_code in (413, 422)
    assert "larger than the upload limit" in response.get_data(as_text=True)
    assert state(app)["jobs"] == []
    assert not list((__import__("pathlib").Path(app.config["MEDIA_WORK_DIR"])).rglob("*.src"))


def test_a_too_large_upload_without_content_length_is_cut_off(app, admin, clip):
    """Counting the bytes as they are copied, not trusting the header."""
    from app.extensions import db
    from app.learning.models import Module
    from app.video import services as video

    with app.test_request_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
        with pytest.raises(video.SourceError) as refused:
            video.save_upload(module, "en", io.BytesIO(clip.read_bytes()), 1000)
    assert refused.value.code == "too_big_upload"


def test_the_errors_are_translated(app, client, login, make_user, course):
    from app.video.errors import MESSAGES

    login(client, make_user(Role.ADMIN))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    token = csrf_token(client, PAGE)
    response = client.post(
        f"{PAGE}/en",
        data={"en-csrf_token": token, "en-file": (io.BytesIO(b"nope" * 300), "x.mp4")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert str(MESSAGES["unreadable"]) not in response.get_data(as_text=True)
