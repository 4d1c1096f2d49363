"""Lesson and homework Markdown to safe HTML.

Authors are trusted, but the HTML ends up on every student's page, so it is sanitised anyway:
raw HTML is off in the parser, and an allow-list cleaner runs over whatever comes out.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported by the first render (an import, an announcement), not by every web worker at
    # start (issue 19, a worker's memory): the pages show HTML rendered beforehand.
    import nh3
    from markdown_it import MarkdownIt

TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "img",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")
IMAGE_SCHEMES = ("http://", "https://")


def _allow_url(tag: str, attribute: str, value: str) -> str | None:
    # ammonia lets relative URLs through (including "//host/..."); only absolute ones may pass.
    if (tag, attribute) == ("a", "href"):
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    if (tag, attribute) == ("img", "src"):
        return value if value.strip().lower().startswith(IMAGE_SCHEMES) else None
    return value


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


@cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_allow_url,
        strip_comments=True,
    )


def heading_problems(md: str) -> list[tuple[int, str]]:
    """``(line, message)`` for headings the allow-list would flatten to plain text (#, #####)."""
    return [
        (token.map[0] + 1, f"a level-{token.tag[1]} heading shows as plain text; use ## to ####")
        for token in _parser().parse(md)
        if token.type == "heading_open" and token.tag not in TAGS and token.map
    ]


def render(md: str) -> str:
    """CommonMark (with tables) rendered and sanitised; safe to mark ``|safe`` in a template."""
    return _cleaner().clean(_parser().render(md)).strip()
