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

from flask_babel import get_locale

from app.worker_cache import kept


def page_text(
    page: str, texts: Mapping[str, Any], extra: Callable[[], dict[str, Any]] | None = None
) -> SimpleNamespace:
    """``texts`` (name: lazy string) as plain strings in the current language, with ``extra()``'s
    values besides (worked out in that language the first time too)."""

    def make() -> SimpleNamespace:
        values = {name: str(text) for name, text in texts.items()}
        if extra is not None:
            values.update(extra())
        return SimpleNamespace(**values)

    return kept("tekser.page_text", (page, str(get_locale())), make)
