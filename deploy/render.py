#!/usr/bin/env python3
"""Render Tekser's deployment templates (deploy/systemd/*.service, deploy/nginx/*.conf): every
``@NAME@`` placeholder is replaced by its value, and a placeholder left without a value is an
error, so a rendered file never carries an ``@...@`` into production. nginx's own ``$variables``
and systemd's ``${VARIABLES}`` (filled from the environment file when a unit starts) are left
alone. The two-node test (tests/cluster/) renders these same files with its own ports and paths.

    python3 deploy/render.py --out /tmp/tekser-deploy \\
        TEKSER_ROOT=/opt/tekser/app TEKSER_VENV=/opt/tekser/venv ...
    python3 deploy/render.py --list      # the placeholders each template needs

Standard library only: it runs before Tekser is installed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = ("systemd/*.service", "nginx/*.conf")
PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def templates() -> list[Path]:
    return sorted(path for pattern in TEMPLATES for path in HERE.glob(pattern))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render(text: str, values: dict[str, str]) -> str:
    missing = placeholders(text) - values.keys()
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def render_all(out: Path, values: dict[str, str]) -> list[Path]:
    """Every template rendered under ``out`` (same relative paths); the files written."""
    written = []
    for template in templates():
        target = out / template.relative_to(HERE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(template.read_text(), values))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the rendered files")
    parser.add_argument("--list", action="store_true", help="print each template's placeholders")
    parser.add_argument("values", nargs="*", metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    if args.list:
        for template in templates():
            names = " ".join(sorted(placeholders(template.read_text())))
            print(f"{template.relative_to(HERE)}: {names}")
        return 0
    if args.out is None:
        parser.error("--out is required (or --list)")
    values = dict(item.split("=", 1) for item in args.values if "=" in item)
    try:
        for path in render_all(args.out, values):
            print(path)
    except KeyError as error:
        print(f"render.py: {error.args[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
