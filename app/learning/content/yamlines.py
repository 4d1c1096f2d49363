"""YAML that remembers where things were, so every problem can be reported as ``path:line``.

Mappings load as :class:`LineDict` (``.line``, ``.key_lines[key]``), lists as :class:`LineList`
(``.line``, ``.item_lines[i]``). Lines are 1-based, like an editor's.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # PyYAML is imported when a course is first read (an import, ``flask courses``), not by
    # every web worker at start (issue 19, a worker's memory).
    import yaml


class LineDict(dict):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    def __init__(self, *args: Any, line: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML list that knows the line it starts on and the line of each item."""

    def __init__(self, *args: Any, line: int = 1, item_lines: list[int] | None = None) -> None:
        super().__init__(*args)
        self.line = line
        self.item_lines: list[int] = item_lines or []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@cache
def _loader_class() -> type:
    """SafeLoader that builds LineDict/LineList and notes duplicate keys instead of hiding them
    (made on first use, so that importing this module does not import PyYAML)."""
    import yaml

    class LineLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.issues: list[tuple[int, str]] = []

    LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    return LineLoader


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    from yaml.constructor import ConstructorError

    loader.flatten_mapping(node)  # resolves "<<" merge keys
    result = LineDict(line=_line(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                "found an unhashable key",
                key_node.start_mark,
            ) from exc
        if key in result:
            # PyYAML silently keeps the last one; an author almost always meant something else.
            loader.issues.append(
                (_line(key_node), f"duplicate key '{key}' (first on line {result.key_lines[key]})")
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = _line(key_node)
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    items = [loader.construct_object(child, deep=True) for child in node.value]
    return LineList(items, line=_line(node), item_lines=[_line(child) for child in node.value])


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """Parse ``text``; return the data (None if it could not be read) and ``(line, message)``
    issues, a syntax error among them with the line where the parser gave up."""
    import yaml

    loader = _loader_class()(text)
    try:
        return loader.get_single_data(), loader.issues
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            # The parser often gives up far below the real mistake, an unclosed bracket say.
            message += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        return None, [(line, message)]
    except yaml.YAMLError as exc:  # a character YAML does not allow, say
        position = getattr(exc, "position", 0) or 0
        return None, [(text.count("\n", 0, position) + 1, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
