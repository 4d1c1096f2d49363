"""gunicorn settings for several workers:

    gunicorn -c python:app.ops.gunicorn_config -w 4 -b 127.0.0.1:8000 'app:create_app()'

- Prometheus metrics from every worker: each worker writes its counters to files in
  ``PROMETHEUS_MULTIPROC_DIR`` (a fresh private folder unless set), emptied when gunicorn starts;
  ``child_exit`` marks a dead worker's live gauges, as prometheus_client's multiprocess mode asks.
- JSON logs (``LOG_FORMAT=json``, the production default) for gunicorn's own lines too. The app
  writes one access line per request itself, so gunicorn's access log stays off.
- gunicorn's control socket (gunicorn >= 25, for ``gunicornc``) in this server's own runtime
  folder: systemd's ``RuntimeDirectory`` (deploy/systemd/tekser-web.service), else a fresh private
  folder. Its default, ``~/.gunicorn/gunicorn.ctl``, is one path for every gunicorn of a user:
  a second server on the machine would take it from the first.

Options on the command line override these.
"""

import os
import tempfile
from pathlib import Path

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tekser-metrics-")

control_socket = str(
    Path(os.environ.get("RUNTIME_DIRECTORY") or tempfile.mkdtemp(prefix="tekser-gunicorn-"))
    / "gunicorn.ctl"
)

_production = os.environ.get("TEKSER_ENV", "development") == "production"
if os.environ.get("LOG_FORMAT", "json" if _production else "text").lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.ops.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        # The app adds its own handler to the root logger (app/ops/logs.py).
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }


def on_starting(server) -> None:
    """Counters left by a previous run would be added to this one's."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    # Loading this file imported the app package (and its metrics) in this very process: its
    # own files are live, not stale.
    own = f"_{os.getpid()}.db"
    for stale in folder.glob("*.db"):
        if not stale.name.endswith(own):
            stale.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# The app is imported once, in the master, and the workers share its memory (issue 19: with 4
# workers 256 MiB in all instead of 380). A HUP then restarts the workers on the code the master
# loaded: an upgrade restarts the service (README, "Upgrades while nodes keep serving").
# GUNICORN_PRELOAD=0 loads the app in each worker instead (a HUP then loads new code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").lower() not in ("0", "false", "no", "off")


def pre_fork(server, worker) -> None:
    """Preloaded: every template is compiled once, here (108 templates, 0.9 s and 4 MiB that
    each worker would otherwise spend again); then the objects made so far, never freed, are
    frozen: the collector need not visit them, and a worker that does not touch their pages
    shares them with the master."""
    import gc

    app = getattr(server.app, "callable", None)
    if server.cfg.preload_app and app is not None and not getattr(app, "_templates_compiled", 0):
        app._templates_compiled = 1
        env = app.jinja_env
        for name in env.list_templates(filter_func=lambda n: not n.startswith(".")):
            env.get_template(name)
    gc.freeze()


def post_fork(server, worker) -> None:
    """A database connection opened while loading the app (none is, but a hook might) belongs
    to the master: each worker opens its own (SQLAlchemy's advice for forking servers)."""
    app = getattr(server.app, "callable", None)  # the app the master loaded
    if app is None or "sqlalchemy" not in getattr(app, "extensions", {}):
        return
    with app.app_context():
        for engine in app.extensions["sqlalchemy"].engines.values():
            engine.dispose(close=False)
