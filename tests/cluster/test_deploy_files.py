"""The deployment files themselves (deploy/), on every run: they render completely, agree with
each other and with the app's settings, and start one scheduler. The two-node test runs them."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config
from tests.cluster.units import ENV_EXAMPLE, Unit, read_env_file, render_module
from tests.fixtures.app import ROOT

render = render_module()
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
VALUES = {
    "TEKSER_ROOT": "/opt/tekser/app",
    "TEKSER_VENV": "/opt/tekser/venv",
    "TEKSER_ENV_FILE": "/etc/tekser/tekser.env",
    "TEKSER_USER": "tekser",
    "LISTEN": "443 ssl",
    "SERVER_NAME": "tekser.example.org",
    "WEB_NODE_1": "10.0.0.11:8000",
    "WEB_NODE_2": "10.0.0.12:8000",
    "STORAGE_FOLDER": "/srv/tekser/storage",
    "STORAGE_ACCEL_REDIRECT": "/_stored/",
    "NGINX_LOG_DIR": "/var/log/nginx",
    "NGINX_EXTRA_DIR": "/etc/nginx/tekser.d",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deploy")
    render.render_all(out, VALUES)
    return out


def test_every_placeholder_is_filled_and_a_missing_one_is_refused(rendered):
    files = sorted(p for p in rendered.rglob("*") if p.is_file())
    assert [p.name for p in files] == [
        "tekser.conf",
        "tekser-scheduler.service",
        "tekser-web.service",
        "tekser-worker.service",
    ]
    for path in files:
        assert not re.search(r"@[A-Z][A-Z0-9_]*@", path.read_text()), path
    with pytest.raises(KeyError, match="WEB_NODE_2"):
        render.render_all(
            rendered / "again", {k: v for k, v in VALUES.items() if k != "WEB_NODE_2"}
        )


def test_the_units_run_the_installed_programs_with_the_environment_files_settings(rendered):
    env = read_env_file(ENV_EXAMPLE)
    for name in ("tekser-web", "tekser-worker", "tekser-scheduler"):
        unit = Unit.read(rendered / "systemd" / f"{name}.service")
        argv = unit.command(env)  # every ${VAR} is in the example environment file
        assert argv[0].startswith("/opt/tekser/venv/bin/")
        assert unit.environment == {"TEKSER_ENV": "production"}
        assert unit.working_directory == Path("/opt/tekser/app")
    web = Unit.read(rendered / "systemd" / "tekser-web.service").command(env)
    assert web[1:3] == ["-c", "python:app.ops.gunicorn_config"]
    assert web[-1] == "app:create_app()"


def test_only_the_scheduler_enqueues_periodic_jobs(rendered):
    env = {"WORKER_THREADS": "4"}
    worker = Unit.read(rendered / "systemd" / "tekser-worker.service")
    scheduler = Unit.read(rendered / "systemd" / "tekser-scheduler.service")
    assert "--no-periodic" in worker.command(env)
    assert "--no-periodic" not in scheduler.command(env) and "-n" not in scheduler.command(env)
    for unit in (worker, scheduler):
        assert unit.command(env)[1] == "app.tasks.huey"
        assert "--flush-locks" in unit.command(env)  # a killed worker leaves no lock for ever
        assert unit.kill_signal == "SIGINT"  # finish the jobs in hand


def test_nginx_takes_the_uploads_the_app_takes(rendered):
    """nginx refusing a smaller body than MAX_CONTENT_LENGTH would answer a bare 413 instead of
    the app's page; the example environment file says the same number as the app's default."""
    site = (rendered / "nginx" / "tekser.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert megabytes * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    assert int(read_env_file(ENV_EXAMPLE)["MAX_CONTENT_LENGTH"]) == Config.MAX_CONTENT_LENGTH
    accel = read_env_file(ENV_EXAMPLE)["STORAGE_ACCEL_REDIRECT"]
    assert f"location {accel} {{\n        internal;" in site
    upstreams = re.findall(r"^\s*server (\S+) max_fails", site, re.M)
    assert upstreams == ["10.0.0.11:8000", "10.0.0.12:8000"]


def test_the_environment_file_is_what_production_refuses_to_start_without(tmp_path):
    """Filled in (a secret and a key file), the example passes the production checks as is."""
    from config import ProductionConfig

    env = read_env_file(ENV_EXAMPLE)
    key = tmp_path / "issuer-key.pem"
    key.write_text("a key")
    env |= {"SECRET_KEY": "s" * 48, "CERT_SIGNING_KEY_FILE": str(key)}
    ProductionConfig.check(env)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check(read_env_file(ENV_EXAMPLE))


def local_values(folder: Path) -> dict[str, str]:
    """Paths that exist here, so the checkers can look at the programs and folders."""
    return VALUES | {
        "TEKSER_ROOT": str(ROOT),
        "TEKSER_VENV": sys.prefix,
        "TEKSER_ENV_FILE": str(ENV_EXAMPLE),
        "TEKSER_USER": getpass.getuser(),
        "LISTEN": "127.0.0.1:8080",
        "STORAGE_FOLDER": str(folder / "storage"),
        "NGINX_LOG_DIR": str(folder),
        "NGINX_EXTRA_DIR": str(folder / "tekser.d"),
    }


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_systemd_accepts_the_units(tmp_path):
    render.render_all(tmp_path, local_values(tmp_path))
    units = sorted(str(p) for p in (tmp_path / "systemd").glob("*.service"))
    checked = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


@pytest.mark.skipif(not NGINX, reason="needs nginx")
def test_nginx_accepts_the_site(tmp_path):
    render.render_all(tmp_path, local_values(tmp_path))
    main = tmp_path / "nginx-main.conf"
    main.write_text(f"events {{}}\nhttp {{ include {tmp_path}/nginx/tekser.conf; }}\n")
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
