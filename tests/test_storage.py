"""Uploaded images: only real PNG/JPEG/WebP pass, they are re-encoded without metadata, stored
under server-made names, and follow the request's transaction."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from app import storage
from app.storage import UploadError

RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)
NOT_AN_IMAGE = "Only PNG, JPEG and WebP images can be uploaded."
UNREADABLE = "The image could not be read."
TOO_MANY_PIXELS = "The image is too large in pixels."


# --- images made in code ----------------------------------------------------------------------


def encode(im: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def halves(size=(40, 20), left=RED, right=BLUE, mode="RGB") -> Image.Image:
    """Left half one colour, right half another: shows which way an image was turned."""
    im = Image.new(mode, size, left)
    im.paste(Image.new(mode, (size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return im


def exif_with_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 14.0, 51.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (76.0, 53.0, 0.0)
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_declaring(width: int, height: int) -> bytes:
    """A valid-looking PNG header that claims a huge size, with almost no pixel data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes, filename: str = "shot.png", content_type: str = "image/png"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def ctx(app):
    """A request in English; ``g`` lives as long as the test."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield app


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(app) -> list[Path]:
    return sorted(p for p in upload_dir(app).rglob("*") if p.is_file())


def reopen(name: str) -> Image.Image:
    im = Image.open(storage.path_of(name))
    im.load()
    return im


def refused(data: bytes, **kwargs) -> str:
    with pytest.raises(UploadError) as caught:
        storage.save_image(upload(data, **kwargs))
    return str(caught.value)


# --- accepted formats -------------------------------------------------------------------------


def test_jpeg_is_turned_upright_and_loses_exif_gps_and_comment(ctx):
    data = encode(halves(), "JPEG", exif=exif_with_gps(6), comment=b"secret-comment")
    assert b"SecretPhone" in data

    image = storage.save_image(upload(data, "photo.jpg", "image/jpeg"))

    assert (image.format, image.mimetype, image.name[-4:]) == ("jpeg", "image/jpeg", ".jpg")
    assert (image.width, image.height) == (20, 40)  # orientation 6: a quarter turn clockwise
    stored = storage.path_of(image.name).read_bytes()
    assert b"Exif" not in stored and b"SecretPhone" not in stored
    assert b"secret-comment" not in stored
    im = reopen(image.name)
    assert not im.getexif() and "exif" not in im.info and "comment" not in im.info
    top, bottom = im.getpixel((10, 5)), im.getpixel((10, 35))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # left (red) went to the top


def test_png_loses_text_xmp_and_icc_profile(ctx):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret-xmp</x:xmpmeta>")
    data = encode(halves(), "PNG", pnginfo=info, icc_profile=srgb_profile(), exif=exif_with_gps(1))

    image = storage.save_image(upload(data))

    stored = storage.path_of(image.name).read_bytes()
    for secret in (b"secret-author", b"secret-xmp", b"iCCP", b"eXIf", b"SecretPhone"):
        assert secret not in stored
    im = reopen(image.name)
    assert (im.format, im.size, im.mode) == ("PNG", (40, 20), "RGB")
    assert not im.getexif() and "icc_profile" not in im.info
    assert im.getpixel((0, 0)) == RED and im.getpixel((39, 0)) == BLUE


def test_webp_loses_exif_and_xmp(ctx):
    data = encode(halves(), "WEBP", exif=exif_with_gps(1), xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>")

    image = storage.save_image(upload(data, "shot.webp", "image/webp"))

    assert (image.format, image.mimetype, image.name[-5:]) == ("webp", "image/webp", ".webp")
    stored = storage.path_of(image.name).read_bytes()
    assert b"secret-xmp" not in stored and b"SecretPhone" not in stored and b"EXIF" not in stored
    im = reopen(image.name)
    assert im.format == "WEBP" and not im.getexif() and "xmp" not in im.info


def test_the_record_describes_the_stored_bytes(ctx):
    import hashlib

    image = storage.save_image(upload(encode(halves((30, 10)), "PNG")))

    stored = storage.path_of(image.name).read_bytes()
    assert image.size == len(stored)
    assert image.sha256 == hashlib.sha256(stored).hexdigest()
    assert (image.width, image.height) == (30, 10)


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_only_the_first_frame_of_an_animation_is_kept(ctx, fmt):
    frames = [Image.new("RGB", (16, 16), colour) for colour in (RED, GREEN, BLUE)]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3

    image = storage.save_image(upload(data, f"anim.{fmt.lower()}"))

    im = reopen(image.name)
    assert getattr(im, "n_frames", 1) == 1 and not getattr(im, "is_animated", False)
    r, g, b = im.convert("RGB").getpixel((8, 8))
    assert r > 200 and g < 50 and b < 50


def test_a_multi_picture_jpeg_keeps_the_first_picture_only(ctx):
    data = encode(Image.new("RGB", (16, 16), RED), "MPO", save_all=True, append_images=[halves()])

    image = storage.save_image(upload(data, "camera.jpg", "image/jpeg"))

    im = reopen(image.name)
    assert (im.format, im.size) == ("JPEG", (16, 16))


def test_cmyk_jpeg_becomes_rgb(ctx):
    data = encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")

    im = reopen(storage.save_image(upload(data, "print.jpg")).name)

    assert im.mode == "RGB"
    r, g, b = im.getpixel((8, 8))
    assert r > 200 and g < 60 and b < 60


@pytest.mark.parametrize(("transparent", "mode"), [(False, "RGB"), (True, "RGBA")])
def test_palette_png_becomes_rgb_or_rgba(ctx, transparent, mode):
    im = halves().convert("P")
    options = {"transparency": 0} if transparent else {}

    stored = reopen(storage.save_image(upload(encode(im, "PNG", **options))).name)

    assert stored.mode == mode


def test_grayscale_png_stays_grayscale(ctx):
    stored = reopen(storage.save_image(upload(encode(Image.new("L", (8, 8), 128), "PNG"))).name)

    assert stored.mode == "L" and stored.getpixel((0, 0)) == 128


def test_sixteen_bit_grey_png_is_scaled_not_clipped(ctx):
    stored = reopen(
        storage.save_image(upload(encode(Image.new("I;16", (8, 8), 40000), "PNG"))).name
    )

    assert stored.mode == "L" and stored.getpixel((0, 0)) == 40000 // 256


def test_the_long_side_is_shrunk(app_factory):
    app = app_factory(UPLOAD_MAX_SIDE=100)
    with app.test_request_context():
        image = storage.save_image(upload(encode(halves((400, 200)), "PNG")))
        small = storage.save_image(upload(encode(halves((60, 30)), "PNG")))

        assert (image.width, image.height) == (100, 50) == reopen(image.name).size
        assert (small.width, small.height) == (60, 30)  # never enlarged


def test_the_default_long_side_is_2560(ctx):
    image = storage.save_image(upload(encode(Image.new("L", (3000, 10)), "PNG")))

    assert (image.width, image.height) == (2560, 9)


def test_content_decides_the_type_not_the_name_or_content_type(ctx):
    image = storage.save_image(upload(encode(halves(), "PNG"), "photo.jpg", "image/jpeg"))

    assert image.format == "png" and image.name.endswith(".png")


def test_html_appended_to_a_png_is_not_stored(ctx):
    data = encode(halves(), "PNG") + b"<html><script>alert(1)</script></html>"

    image = storage.save_image(upload(data))

    assert b"<script>" not in storage.path_of(image.name).read_bytes()


# --- refused uploads --------------------------------------------------------------------------


def test_too_many_bytes_is_refused_without_reading_the_rest(app_factory):
    app = app_factory(UPLOAD_MAX_BYTES=1024 * 1024)
    stream = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(UploadError) as caught:
            storage.save_image(FileStorage(stream=stream, filename="big.png"))
        assert str(caught.value) == "The file is larger than 1 MB."
        assert stream.tell() == 1024 * 1024 + 1
        # Exactly at the limit is not "too large" (it is refused for its content here).
        assert refused(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 - 8)) == UNREADABLE
    assert stored_files(app) == []


def test_an_empty_file_is_refused(ctx):
    assert refused(b"") == "The file is empty."


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!doctype html><script>alert(1)</script>", id="html"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', id="svg"
        ),
        pytest.param(encode(Image.new("RGB", (8, 8)), "GIF"), id="gif"),
        pytest.param(b"%PDF-1.7\n1 0 obj<<>>endobj\n", id="pdf"),
        pytest.param(b"<html><!--" + encode(Image.new("RGB", (8, 8)), "PNG"), id="polyglot"),
        pytest.param(b"RIFF\0\0\0\0WAVEfmt ", id="riff-not-webp"),
        pytest.param(b"\x89PN", id="short"),
    ],
)
def test_anything_but_png_jpeg_webp_is_refused(ctx, data):
    assert refused(data, filename="innocent.png", content_type="image/png") == NOT_AN_IMAGE
    assert stored_files(ctx) == []


def test_jpeg_magic_on_a_png_body_is_refused(ctx):
    data = b"\xff\xd8\xff" + encode(halves(), "PNG")

    assert refused(data, filename="photo.jpg", content_type="image/jpeg") == UNREADABLE


def test_webp_magic_on_a_png_body_is_refused(ctx):
    png = encode(halves(), "PNG")
    data = b"RIFF" + struct.pack("<I", len(png) + 4) + b"WEBP" + png

    assert refused(data, filename="shot.webp") == UNREADABLE


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_truncated_image_is_refused(ctx, fmt):
    data = encode(Image.effect_noise((64, 64), 64).convert("RGB"), fmt)

    assert refused(data[: len(data) // 2]) == UNREADABLE
    assert stored_files(ctx) == []


def test_a_decompression_bomb_is_refused_before_decoding(ctx):
    data = png_declaring(30_000, 30_000)
    assert len(data) < 100

    assert refused(data) == TOO_MANY_PIXELS


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pixel_limit_comes_from_the_config(app_factory):
    app = app_factory(UPLOAD_MAX_PIXELS=1000)
    before = Image.MAX_IMAGE_PIXELS
    with app.test_request_context(headers={"Accept-Language": "en"}):
        # 1,600 pixels: over the limit, but under twice it, where Pillow only warns.
        assert refused(encode(Image.new("RGB", (40, 40)), "PNG")) == TOO_MANY_PIXELS
        assert refused(encode(Image.new("RGB", (100, 100)), "PNG")) == TOO_MANY_PIXELS
        assert storage.save_image(upload(encode(Image.new("RGB", (25, 40)), "PNG")))
    assert before == Image.MAX_IMAGE_PIXELS  # the process-wide setting is left as it was


def test_a_solid_huge_image_compressed_small_is_refused(app_factory):
    # The real shape of a bomb: few bytes on the wire, many pixels once decoded.
    data = encode(Image.new("L", (4000, 4000)), "PNG")
    assert len(data) < 50_000
    app = app_factory(UPLOAD_MAX_PIXELS=1_000_000)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refused(data) == TOO_MANY_PIXELS


# --- names and paths --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.png", "/etc/passwd", "..\\..\\boot.ini", "a\0b.png", ""]
)
def test_the_client_filename_is_ignored(ctx, filename, tmp_path):
    image = storage.save_image(upload(encode(halves(), "PNG"), filename=filename))

    assert storage.NAME_RE.fullmatch(image.name)
    root = upload_dir(ctx).resolve()
    assert stored_files(ctx) == [root / image.name[:2] / image.name]
    assert {p.name for p in tmp_path.iterdir()} == {"uploads"}


def test_names_are_unique(ctx):
    data = encode(halves(), "PNG")

    assert len({storage.save_image(upload(data)).name for _ in range(5)}) == 5


@pytest.mark.parametrize(
    "name",
    [
        "../../config.py",
        "0" * 32 + ".png/../../x",
        "0" * 32 + ".png\n",
        "0" * 32 + ".svg",
        "0" * 32 + ".PNG",
        "A" * 32 + ".png",
        "0" * 31 + ".png",
        "/etc/passwd",
        "",
    ],
)
def test_path_of_refuses_anything_but_a_stored_name(ctx, name):
    with pytest.raises(FileNotFoundError):
        storage.path_of(name)


def test_path_of_is_absolute_and_inside_the_upload_folder(ctx):
    name = "ab" + "0" * 30 + ".webp"

    path = storage.path_of(name)

    assert path.is_absolute() and path == upload_dir(ctx).resolve() / "ab" / name


# --- the transaction --------------------------------------------------------------------------


def test_rollback_removes_what_was_written_and_leaves_no_tmp(ctx):
    names = [storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(2)]
    assert all(storage.path_of(n).is_file() for n in names)

    storage.on_rollback()

    assert stored_files(ctx) == []
    storage.on_rollback()  # twice is harmless


def test_a_failed_upload_leaves_no_file_at_all(ctx):
    refused(b"\x89PNG\r\n\x1a\n" + b"garbage")

    assert stored_files(ctx) == []


def test_commit_keeps_what_was_written(ctx):
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    storage.on_commit()
    storage.on_rollback()  # a later rollback in another transaction must not touch it

    assert storage.path_of(name).is_file()


def test_delete_later_happens_on_commit(app):
    with app.app_context():
        name = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.app_context():
        storage.delete_later(name)
        assert storage.path_of(name).is_file()  # not before the commit

        storage.on_commit()

        assert not storage.path_of(name).exists()


def test_delete_later_then_rollback_keeps_the_file(app):
    with app.app_context():
        name = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.app_context():
        storage.delete_later(name)
        storage.on_rollback()
        storage.on_commit()  # the scheduled deletion was forgotten

        assert storage.path_of(name).is_file()


def test_delete_later_of_a_missing_file_is_harmless(ctx):
    storage.delete_later("0" * 32 + ".png")
    storage.on_commit()


def test_delete_later_refuses_a_malformed_name(ctx):
    with pytest.raises(FileNotFoundError):
        storage.delete_later("../../config.py")


def test_hooks_are_safe_with_nothing_to_do_outside_a_request(app):
    with app.app_context():  # as in a CLI command
        storage.on_commit()
        storage.on_rollback()


def test_each_request_tracks_its_own_files(app):
    with app.test_request_context():
        kept = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_commit()
    with app.test_request_context():
        dropped = storage.save_image(upload(encode(halves(), "PNG"))).name
        storage.on_rollback()

        assert storage.path_of(kept).is_file() and not storage.path_of(dropped).exists()


# --- serving ----------------------------------------------------------------------------------


def test_send_image_is_an_attachment_that_is_never_sniffed(ctx):
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    response = storage.send_image(name, "homework.png")

    response.direct_passthrough = False
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=homework.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_data() == storage.path_of(name).read_bytes()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("shot", "attachment; filename=shot.jpg"),
        ("shot.html", "attachment; filename=shot.html.jpg"),
        ("shot.JPEG", "attachment; filename=shot.JPEG"),
        ("bad\r\nSet-Cookie: x=1.jpg", 'attachment; filename="badSet-Cookie: x=1.jpg"'),
        ("", "attachment; filename=image.jpg"),
    ],
)
def test_send_image_download_name_opens_as_what_it_is(ctx, given, expected):
    name = storage.save_image(upload(encode(halves(), "JPEG"))).name

    response = storage.send_image(name, given)

    response.close()
    assert response.headers["Content-Disposition"] == expected


def test_send_image_keeps_a_kazakh_download_name(ctx):
    name = storage.save_image(upload(encode(halves(), "WEBP"))).name

    response = storage.send_image(name, "үй жұмысы.webp")

    response.close()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('үй жұмысы.webp')}" in disposition


@pytest.mark.parametrize("name", ["0" * 32 + ".png", "../../config.py", "config.py"])
def test_send_image_answers_404_for_unknown_names(ctx, name):
    with pytest.raises(NotFound):
        storage.send_image(name, "x.png")


# --- orphans ----------------------------------------------------------------------------------


def age(path: Path, seconds: int) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_sweep_orphans_removes_old_unreferenced_files_and_stale_tmp(ctx):
    names = [storage.save_image(upload(encode(halves(), "PNG"))).name for _ in range(3)]
    storage.on_commit()
    referenced, old_orphan, young_orphan = names
    for name in (referenced, old_orphan):
        age(storage.path_of(name), 7200)
    folder = storage.path_of(old_orphan).parent
    stale_tmp, fresh_tmp, foreign = folder / ".x.tmp", folder / ".y.tmp", folder / "README"
    for path in (stale_tmp, fresh_tmp, foreign):
        path.write_bytes(b"x")
    age(stale_tmp, 7200)
    age(foreign, 7200)

    removed = storage.sweep_orphans({referenced})

    assert sorted(removed) == sorted([old_orphan, ".x.tmp"])
    assert storage.path_of(referenced).is_file() and storage.path_of(young_orphan).is_file()
    assert not storage.path_of(old_orphan).exists() and not stale_tmp.exists()
    assert fresh_tmp.exists() and foreign.exists()


def test_sweep_orphans_on_an_empty_folder(ctx):
    assert storage.sweep_orphans(set()) == []
