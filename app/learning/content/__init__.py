"""Course content: languages, fallback, and (in submodules) reading and importing course folders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.languages import LANGUAGES as LANGS
from app.languages import fallback_order

__all__ = ["LANGS", "Picked", "fallback_order", "pick"]


@dataclass(frozen=True)
class Picked:
    value: str
    lang: str  # the language actually shown
    wanted: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.wanted

    def __str__(self) -> str:
        return self.value


def pick(text: Mapping[str, str] | None, lang: str) -> Picked:
    """The text in ``lang`` or the nearest language that has it (empty if none has it)."""
    text = text or {}
    for candidate in fallback_order(lang):
        value = text.get(candidate)
        if value:
            return Picked(value, candidate, lang)
    return Picked("", lang, lang)
