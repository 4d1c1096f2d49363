"""JSON-LD for signing: bundled contexts only, RDFC-1.0 canonical N-Quads, and text hygiene.

Three traps (docs/decisions, RECIPES.md) are handled here:

- pyld defaults to URGNA2012; RDFC-1.0 is URDNA2015, so the algorithm is passed explicitly.
- pyld escapes some control characters differently from RDFC-1.0 canonicalisers, so every
  string is NFC-normalised and stripped of control characters *before* signing.
- pyld silently drops terms its contexts do not define. ``canonize`` refuses any property
  that expansion drops (pyld's ``on_property_dropped`` hook, free during canonicalisation), and
  ``assert_nothing_dropped`` compares every value before and after a full expansion: the tests
  run it on every credential shape the app signs, ``flask certificates check`` on every stored
  credential. It is a second expansion, so it is not on the issuing path.

Speed: pyld is imported only when a credential is made or checked. The bundled contexts are
marked static, so pyld resolves and processes each of them once per thread and reuses the
processed context (issuing signs two documents, each with a full RDFC-1.0 canonicalisation;
re-processing the Open Badges context was most of their cost).
"""

from __future__ import annotations

import copy
import json
import threading
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"


class UnknownContext(ValueError):
    """A document referred to a context that is not bundled; nothing is fetched."""


class DroppedTerms(ValueError):
    """Expansion lost values: some term is not defined by the document's contexts."""


@cache
def bundled() -> dict[str, Any]:
    index = json.loads((CONTEXTS_DIR / "index.json").read_text("utf-8"))
    return {
        url: json.loads((CONTEXTS_DIR / name).read_text("utf-8")) for url, name in index.items()
    }


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld's document loader: the bundled contexts, and nothing from the network."""
    document = bundled().get(url)
    if document is None:
        raise UnknownContext(f"refusing to load a context that is not bundled: {url[:200]}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(document),
        "contentType": "application/ld+json",
        # "static": pyld may keep the resolved context in the resolver's shared cache.
        "tag": "static",
    }


OPTIONS = {"documentLoader": document_loader}

# Resolved (and processed) contexts, per thread: ours, not pyld's module-wide cache, so no other
# loader's context can ever stand in for a bundled one. Bounded, since a document being
# verified may carry inline contexts of its own (each becomes a key).
_local = threading.local()


class _BoundedCache(dict):
    """Emptied when full: the bundled contexts (a few dozen entries) are simply reloaded."""

    size = 256

    def __setitem__(self, key, value):
        if len(self) >= self.size and key not in self:
            self.clear()
        super().__setitem__(key, value)


def options() -> dict[str, Any]:
    """pyld options: the bundled-contexts loader and this thread's context cache."""
    from pyld.context_resolver import ContextResolver  # imported when a credential is made

    cache = getattr(_local, "contexts", None)
    if cache is None:
        cache = _local.contexts = _BoundedCache()
    return {**OPTIONS, "contextResolver": ContextResolver(cache, document_loader)}


def clean_text(value: str) -> str:
    """NFC, without control characters (a newline or tab in a name becomes a space)."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(" " if ch in "\t\n\r" else ch for ch in value)
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc").strip()


def clean(data: Any) -> Any:
    """``clean_text`` on every string of a JSON structure (keys are ours, left as they are)."""
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, list):
        return [clean(item) for item in data]
    if isinstance(data, dict):
        return {key: clean(value) for key, value in data.items()}
    return data


def _refuse_dropped(term: str | None) -> None:
    raise DroppedTerms(f"JSON-LD expansion dropped the undefined term {term!r}")


def canonize(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``; ``DroppedTerms`` if expansion drops a
    property (``assert_nothing_dropped`` is the full check of every value)."""
    from pyld import jsonld

    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    return processor.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", **options()},
    )


def _compact_values(node: Any) -> int:
    if isinstance(node, list):
        return sum(_compact_values(item) for item in node)
    if isinstance(node, dict):
        count = 0
        for key, value in node.items():
            if key == "@context":
                continue
            if key in ("type", "@type") and not isinstance(value, dict):
                count += len(value) if isinstance(value, list) else 1
            else:
                count += _compact_values(value)
        return count
    return 0 if node is None else 1


def _expanded_values(node: Any) -> int:
    if isinstance(node, list):
        return sum(_expanded_values(item) for item in node)
    if isinstance(node, dict):
        if "@value" in node:
            return 1
        count = 1 if "@id" in node else 0
        count += len(node.get("@type", []))
        for key, value in node.items():
            if key not in ("@id", "@type"):
                count += _expanded_values(value)
        return count
    return 0


def assert_nothing_dropped(document: dict[str, Any]) -> None:
    """``DroppedTerms`` unless a full expansion keeps every value of ``document``."""
    from pyld import jsonld

    expanded = jsonld.expand(copy.deepcopy(document), options())
    before, after = _compact_values(document), _expanded_values(expanded)
    if before != after:
        raise DroppedTerms(
            f"JSON-LD expansion kept {after} of {before} values: a term is undefined"
        )
