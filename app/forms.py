"""Form pieces shared by every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or len(target) > 500 or not target.startswith("/"):
        return False
    if target.startswith(("//", "/\\")) or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


class NoControlCharacters:
    """Refuse text with control characters (other than line breaks and tabs)."""

    def __init__(self, message=None):
        self.message = message or _l("The text contains control characters.")

    def __call__(self, form, field):
        if field.data and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in field.data):
            raise ValidationError(self.message)
