"""The printable certificate: one A4 landscape page, PDF/A-3b, the signed credential attached.

Rendered on request (docs/decisions/0005-certificate-pdf-on-request.md). WeasyPrint gets
one ``FontConfiguration`` for both the stylesheet and ``write_pdf`` (otherwise ``@font-face``
fonts silently fall back), and a URL fetcher that serves the bundled fonts and nothing else:
no network, no other file, whatever a template or a name might contain.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certificates.credential import verify_url
from app.certificates.models import Certificate
from app.learning.content import pick

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONTS_URL = FONTS_DIR.as_uri() + "/"
TEMPLATE = "certificates/pdf/certificate.html"
STYLESHEET = "certificates/pdf/certificate.css"


class BundledFontsOnly(URLFetcher):
    """Fetch the bundled ``.ttf`` files and our own QR ``data:`` image; refuse every other URL
    (WeasyPrint then skips it)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:image/png;base64,"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.parent == FONTS_DIR and path.suffix == ".ttf" and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        raise ValueError("the certificate layout may load only its bundled fonts")


FETCHER = BundledFontsOnly()


_local = threading.local()


def _fonts_and_stylesheet() -> tuple[FontConfiguration, CSS]:
    """One FontConfiguration and its stylesheet per thread, reused: loading the @font-face
    fonts costs ~20 ms, and a FontConfiguration is not meant to be shared across threads."""
    cached = getattr(_local, "fonts", None)
    if cached is None:
        env = current_app.jinja_env
        source, _filename, _uptodate = env.loader.get_source(env, STYLESHEET)
        fonts = FontConfiguration()
        css = CSS(string=source, base_url=FONTS_URL, url_fetcher=FETCHER, font_config=fonts)
        cached = _local.fonts = (fonts, css)
    return cached


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """The QR code as a PNG ``data:`` URI (an inline SVG costs WeasyPrint ~40 ms to draw).

    Kept for the last 256 verification URLs (public, ~400 bytes each): a student who
    downloads the certificate in two languages gets the second one ~3 ms sooner."""
    # A fixed mask: any mask is a valid code, and the search over all eight is most of the cost.
    return segno.make(url, error="m", mask=0).png_data_uri(scale=1, border=4)


def context(certificate: Certificate, lang: str) -> dict:
    course = certificate.course
    url = verify_url(certificate.code)
    return {
        "lang": lang,
        "name": certificate.holder_name,
        "course_title": pick(course.title, lang).value,
        "organisation": pick(course.organisation, lang).value or "Tekser",
        "completed": format_date(certificate.completed_on, format="long"),
        "code": certificate.code,
        "verify_url": url,
        "qr": qr_data_uri(url),
    }


def render_pdf(certificate: Certificate, lang: str) -> bytes:
    """The certificate in ``lang`` (kk, ru or en) as PDF/A-3b bytes."""
    with force_locale(lang):
        html = render_template(TEMPLATE, **context(certificate, lang))
    fonts, css = _fonts_and_stylesheet()
    attachment = Attachment(
        string=json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        name="credential.jsonld",
        description="Open Badges 3.0 credential (W3C Verifiable Credential, JSON-LD)",
        relationship="Alternative",
        url_fetcher=FETCHER,
    )
    document = HTML(string=html, base_url=FONTS_URL, url_fetcher=FETCHER)
    return document.write_pdf(
        stylesheets=[css],
        font_config=fonts,
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
        uncompressed_pdf=False,
    )
