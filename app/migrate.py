"""Flask-Migrate, loaded only when something migrates (issue 19: worker memory).

Flask-Migrate imports Alembic, 11 MiB in every web worker that never migrates anything. The app
registers a stand-in: ``app.extensions["migrate"]`` and the ``flask db`` command group load the
real extension the first time they are used (a ``flask db`` command, ``flask_migrate.upgrade``
in tests and scripts, ``migrations/env.py``), configured exactly as ``Migrate.init_app`` would.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class LazyMigrate:
    """``app.extensions["migrate"]`` until an attribute is read; then Flask-Migrate's own."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str, **options: Any) -> None:
        self._app, self._db, self._directory, self._options = app, db, directory, options

    def load(self) -> Any:
        from flask_migrate import Migrate

        if self._app.extensions.get("migrate") is self:
            Migrate(self._app, self._db, directory=self._directory, **self._options)
        return self._app.extensions["migrate"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.load(), name)


class LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's command group, imported when the command runs."""

    def _real(self) -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real group parses its own options (``--directory``) and runs its commands.
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real().get_command(ctx, name)


def init_app(app: Flask, db: SQLAlchemy, directory: str, **options: Any) -> None:
    app.extensions["migrate"] = LazyMigrate(app, db, directory, **options)
    app.cli.add_command(LazyDbGroup("db", help="Perform database migrations."))
