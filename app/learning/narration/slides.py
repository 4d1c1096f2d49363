"""The narrated video's pictures: one slide per caption cue, typeset with the bundled Noto fonts.

Each slide shows the course, the module's number and title, the lines being spoken, a progress
bar through the module, and the label that the voice is synthetic. Noto covers every Kazakh
letter (ә ғ қ ң ө ұ ү һ і); the fonts are the certificates' (app/certificates/fonts, OFL).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parents[2] / "certificates" / "fonts"
SIZE = (1280, 720)

INK = (24, 33, 43)
MUTED = (84, 96, 110)
PAPER = (247, 245, 240)
BAND = (22, 60, 92)
ACCENT = (230, 150, 30)
FAINT = (232, 228, 218)


@dataclass(frozen=True)
class Slide:
    course: str
    module_number: int
    module_count: int
    title: str
    lines: tuple[str, ...]  # what is being said (the caption's lines)
    progress: float  # 0..1 through the module
    module_label: str  # "Module 2 of 6", in the video's language
    synthetic_label: str  # "Synthetic voice (espeak-ng)", in the video's language


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def draw(slide: Slide, path: Path, size: tuple[int, int] = SIZE) -> None:
    """Typeset ``slide`` into a PNG at ``path``."""
    width, height = size
    unit = height / 720  # the layout is drawn for 720 lines and scaled
    image = Image.new("RGB", size, PAPER)
    pen = ImageDraw.Draw(image)
    margin = round(64 * unit)

    # The module's number, large and faint, behind the text.
    number = _font("NotoSerif-Bold.ttf", round(420 * unit))
    pen.text(
        (width - margin, height * 0.56),
        str(slide.module_number),
        font=number,
        fill=FAINT,
        anchor="rm",
    )

    # The band: the course on the left, "Module 2 of 6" on the right.
    band = round(72 * unit)
    pen.rectangle((0, 0, width, band), fill=BAND)
    small = _font("NotoSans-Regular.ttf", round(24 * unit))
    course = slide.course
    while pen.textlength(course, font=small) > width * 0.62 and len(course) > 4:
        course = course[:-2].rstrip() + "…"
    pen.text((margin, band / 2), course, font=small, fill=PAPER, anchor="lm")
    pen.text((width - margin, band / 2), slide.module_label, font=small, fill=PAPER, anchor="rm")

    # The module's title.
    title_font = _font("NotoSerif-Bold.ttf", round(44 * unit))
    y = band + round(40 * unit)
    for line in _wrapped(pen, slide.title, title_font, width - 2 * margin)[:2]:
        pen.text((margin, y), line, font=title_font, fill=INK, anchor="lt")
        y += round(58 * unit)
    pen.rectangle(
        (margin, y + round(8 * unit), margin + round(96 * unit), y + round(14 * unit)), fill=ACCENT
    )

    # What is being said, centred in the space left.
    body = _font("NotoSans-Regular.ttf", round(46 * unit))
    said = [part for line in slide.lines for part in _wrapped(pen, line, body, width - 2 * margin)]
    leading = round(64 * unit)
    top = y + round(40 * unit)
    bottom = height - round(110 * unit)
    y = top + max(0, (bottom - top - leading * len(said)) // 2)
    for line in said:
        pen.text((width / 2, y), line, font=body, fill=INK, anchor="mt")
        y += leading

    # Progress through the module, and the honest label.
    bar_y = height - round(78 * unit)
    bar_h = max(2, round(8 * unit))
    pen.rectangle((margin, bar_y, width - margin, bar_y + bar_h), fill=FAINT)
    done = margin + round((width - 2 * margin) * min(1.0, max(0.0, slide.progress)))
    pen.rectangle((margin, bar_y, done, bar_y + bar_h), fill=ACCENT)
    label = _font("NotoSans-Regular.ttf", round(22 * unit))
    pen.text(
        (margin, height - round(36 * unit)),
        slide.synthetic_label,
        font=label,
        fill=MUTED,
        anchor="lm",
    )
    image.save(path, format="PNG", compress_level=1)
