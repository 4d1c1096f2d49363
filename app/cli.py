"""The ``flask`` command groups: each domain's own, ``users``, ``translate``, and sample data.

Each group lives with its domain; a command ends its unit of work through
``app.unit_of_work.commit``, as a request does. Every app registers the groups, but a group's
module is imported only when the ``flask`` command lists or runs it: a web worker never loads
the commands (issue 19, a worker's memory; ``app.migrate`` does the same for ``flask db``).
"""

from __future__ import annotations

import importlib

import click
from flask import Flask

# name -> (module, attribute) of each group (or single command)
COMMANDS = {
    "courses": ("app.learning.cli", "courses"),
    "cohorts": ("app.cohorts.cli", "cohorts"),
    "review": ("app.review.cli", "review"),
    "homework": ("app.homework.cli", "homework"),
    "certificates": ("app.certificates.cli", "certificates"),
    "seed": ("app.sample_data.cli", "seed"),
    "users": ("app.auth.cli", "users"),
    "translate": ("app.i18n_cli", "translate"),
    "demo": ("app.sample_data.cli", "demo"),
    "video": ("app.video.cli", "video"),
}


class LazyCommand(click.Group):
    """A domain's command or command group, imported when it is listed or run."""

    def __init__(self, name: str, target: tuple[str, str]) -> None:
        super().__init__(name)
        self.target = target

    def real(self) -> click.Command:
        module, attribute = self.target
        return getattr(importlib.import_module(module), attribute)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real command parses its own options and arguments and runs.
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        real = self.real()
        return real.list_commands(ctx) if isinstance(real, click.Group) else []

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        real = self.real()
        return real.get_command(ctx, cmd_name) if isinstance(real, click.Group) else None

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.real().get_short_help_str(limit)


def register(app: Flask) -> None:
    for name, target in COMMANDS.items():
        app.cli.add_command(LazyCommand(name, target))
