"""A page's fixed labels, translated once per worker and language (issue 19).

A label written ``{{ _('…') }}`` in a template costs a translation lookup on every request
(some 40-70 function calls through Jinja's i18n extension); a list page with thirty of them
spends more on its labels than on its rows. A page that declares its labels as a dict of lazy
strings gets them here as attributes, translated the first time each language asks and kept:
they only change with the compiled catalogues, which a worker loads once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import get_locale


def page_text(
    page: str, texts: Mapping[str, Any], extra: Callable[[], dict[str, Any]] | None = None
) -> SimpleNamespace:
    """``texts`` (name: lazy string) as plain strings in the current language, with ``extra()``'s
    values besides (worked out in that language the first time too)."""
    kept: dict[tuple[str, str], SimpleNamespace] = current_app.extensions.setdefault(
        "tekser.page_text", {}
    )
    key = (page, str(get_locale()))
    found = kept.get(key)
    if found is None:
        values = {name: str(text) for name, text in texts.items()}
        if extra is not None:
            values.update(extra())
        found = kept[key] = SimpleNamespace(**values)
    return found
