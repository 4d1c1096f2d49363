"""A web worker does not load what only commands and certificates need (issue 19: a worker's
memory). Flask-Migrate with Alembic, pyld, WeasyPrint and fontTools load on first use."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("flask_migrate", "alembic", "pyld", "weasyprint", "fontTools")

SCRIPT = """
import sys
from app import create_app
app = create_app("test")
with app.app_context():
    from app.extensions import db
    db.create_all()
client = app.test_client()
assert client.get("/").status_code == 200
assert client.get("/login").status_code == 200
print("loaded=" + ",".join(m for m in %r if m in sys.modules))
"""


def test_a_served_page_loads_no_heavy_module():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT % (HEAVY,)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "TEST_DATABASE_URL": "sqlite://"},
    )
    loaded = [line for line in out.stdout.splitlines() if line.startswith("loaded=")]
    assert loaded == ["loaded="]


def test_flask_migrate_loads_when_used(app):
    from flask_migrate import Migrate

    from app.migrate import LazyMigrate

    assert isinstance(app.extensions["migrate"], LazyMigrate)
    assert app.extensions["migrate"].directory.endswith("migrations")
    assert app.extensions["migrate"].migrate.__class__ is Migrate
    assert app.extensions["migrate"].configure_args["render_as_batch"] is True
