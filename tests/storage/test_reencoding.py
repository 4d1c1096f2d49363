"""Only real PNG/JPEG/WebP pass, re-encoded from their pixels: no metadata, upright, one frame,
in a web colour mode, within the size limits."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, PngImagePlugin

from app import storage
from tests.fixtures.images import (
    BLUE,
    GREEN,
    RED,
    encode,
    exif_with_gps,
    halves,
    srgb_profile,
    upload,
)
from tests.storage.helpers import (
    reopen,
)


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
