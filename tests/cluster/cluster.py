"""Tekser on several loopback "machines": two gunicorn web nodes, a job worker and the scheduler
(Huey consumers), nginx as the load balancer, Redis, an SMTP sink, a storage folder they share,
and a database of its own on the test PostgreSQL. Every process is started from the rendered
deployment files (deploy/, tests/cluster/units.py) with the environment file built from
deploy/tekser.env.example; each runs in its own process group so a test can SIGKILL a whole
"machine" and start it again. ``stop()`` ends everything."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.auth.conftest import signing_key_env
from tests.cluster.units import ENV_EXAMPLE, Unit, read_env_file, render_module
from tests.fixtures.app import ROOT
from tests.fixtures.mail import free_port

ACCEL = "/_stored/"
# Settings the loopback machines need beyond deploy/tekser.env.example (each one says why).
TEST_ONLY = {
    # Two cores shared by the whole test run: a cheap hash for the accounts the test makes.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Every request comes from 127.0.0.1: the per-address limit would mix the tests' logins.
    "LOGIN_RATE_LIMIT": "1000 per minute",
    # A dead worker's claim is recovered after seconds, not the production 10 minutes.
    "MAIL_CLAIM_STALE_SECONDS": "3",
    "MAIL_SWEEP_GRACE_SECONDS": "3",
    "MAIL_RETRY_DELAY": "1",
}


class Process:
    """One service: its own process group (a "machine"), its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, log: Path, stop_signal):
        self.name, self.argv, self.env, self.cwd, self.log = name, argv, env, cwd, log
        self.stop_signal = stop_signal
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        Path(self.env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=out,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group (a node's gunicorn master and its workers): a crash."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def ask_to_stop(self) -> None:
        """The unit's stop signal (what ``systemctl stop`` sends)."""
        if self.alive:
            assert self.popen is not None
            self.popen.send_signal(self.stop_signal)

    def stop(self) -> None:
        """The stop signal, then SIGKILL for whatever is left of the group after 15 s."""
        if self.popen is None:
            return
        self.ask_to_stop()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=15)
        self.kill()

    def log_lines(self) -> list[dict]:
        """The JSON lines of the log (text lines skipped)."""
        lines = []
        for raw in self.log.read_text(errors="replace").splitlines():
            if raw.startswith("{"):
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    continue
        return lines


class Cluster:
    def __init__(self, folder: Path, database_url: str, redis_url: str, smtp_port: int) -> None:
        self.folder = folder
        self.nginx_port = free_port()
        self.node_ports = [free_port(), free_port()]
        self.base = f"http://127.0.0.1:{self.nginx_port}"
        self.storage = folder / "storage"
        self.storage.mkdir()
        self.deploy = folder / "deploy"
        self.values = {
            "TEKSER_ROOT": str(ROOT),
            "TEKSER_VENV": sys.prefix,
            "TEKSER_ENV_FILE": str(folder / "tekser.env"),
            "TEKSER_USER": getpass.getuser(),
            "LISTEN": f"127.0.0.1:{self.nginx_port}",
            "SERVER_NAME": "127.0.0.1",
            "WEB_NODE_1": f"127.0.0.1:{self.node_ports[0]}",
            "WEB_NODE_2": f"127.0.0.1:{self.node_ports[1]}",
            "STORAGE_FOLDER": str(self.storage),
            "STORAGE_ACCEL_REDIRECT": ACCEL,
            # Never the checkout's user's ~/.cache/tekser: narrated videos made there by `make
            # run` would be offered (and transcoded, busying the worker) by the test's demo load.
            "MEDIA_WORK_DIR": str(self.folder / "media"),
            "NGINX_LOG_DIR": str(folder / "nginx"),
            "NGINX_EXTRA_DIR": str(folder / "nginx" / "tekser.d"),
        }
        render_module().render_all(self.deploy, self.values)
        self.env = self._environment(database_url, redis_url, smtp_port)
        self.processes: dict[str, Process] = {}

    # --- the environment file -----------------------------------------------------------------

    def _environment(self, database_url: str, redis_url: str, smtp_port: int) -> dict[str, str]:
        """deploy/tekser.env.example with the loopback machines' addresses, ports and paths."""
        example = read_env_file(ENV_EXAMPLE)
        loopback = {
            "BASE_URL": self.base,
            "SECRET_KEY": secrets.token_urlsafe(48),
            **signing_key_env(self.folder),
            "DATABASE_URL": database_url,
            "RATELIMIT_STORAGE_URI": redis_url.rsplit("/", 1)[0] + "/0",
            "QUEUE_URL": redis_url.rsplit("/", 1)[0] + "/1",
            "STORAGE_FOLDER": str(self.storage),
            "STORAGE_ACCEL_REDIRECT": ACCEL,
            # Never the checkout's user's ~/.cache/tekser: narrated videos made there by `make
            # run` would be offered (and transcoded, busying the worker) by the test's demo load.
            "MEDIA_WORK_DIR": str(self.folder / "media"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "MAIL_USE_TLS": "0",
            "METRICS_ALLOW": "127.0.0.1/32",
            "WEB_BIND": "",  # per machine (node_env)
            "WEB_CONCURRENCY": "1",
            "WORKER_THREADS": "2",
        }
        unknown = loopback.keys() - example.keys()
        assert not unknown, f"deploy/tekser.env.example lacks {sorted(unknown)}"
        env = {**example, **loopback, **TEST_ONLY}
        # Instance files of these processes stay in the test's folder, not the checkout.
        env["TEKSER_INSTANCE_DIR"] = str(self.folder / "instance")
        (self.folder / "tekser.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        return env

    def machine_env(self, name: str, **extra: str) -> dict[str, str]:
        """What systemd gives a unit's processes: the environment file (read back, as systemd
        reads it), a private TMPDIR (PrivateTmp=), nothing from this test process."""
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
        env |= read_env_file(Path(self.values["TEKSER_ENV_FILE"]))
        env["TMPDIR"] = str(self.folder / name / "tmp")
        return env | extra

    # --- the services ---------------------------------------------------------------------------

    def _unit(self, unit_name: str, name: str, **extra: str) -> Process:
        unit = Unit.read(self.deploy / "systemd" / unit_name)
        env = self.machine_env(name, **extra) | unit.environment
        stop = signal.Signals[unit.kill_signal]
        log = self.folder / f"{name}.log"
        process = Process(name, unit.command(env), env, unit.working_directory, log, stop)
        self.processes[name] = process
        return process.start()

    def flask(self, *args: str) -> str:
        """A ``flask`` command on the cluster's database, as an operator runs it on a node."""
        env = self.machine_env("operator") | {"TEKSER_ENV": "production"}
        env["FLASK_APP"] = "app:create_app"
        Path(env["TMPDIR"]).mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [str(Path(sys.prefix) / "bin" / "flask"), *args],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def python(self, code: str) -> str:
        """Python on an operator's shell with the cluster's environment (enqueue a job...)."""
        env = self.machine_env("operator") | {"TEKSER_ENV": "production"}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows of the cluster's database, read as an operator would (psql)."""
        import psycopg

        url = self.env["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            return list(connection.execute(sql, params).fetchall())

    def served_by(self, request_ids) -> dict[str, str]:
        """Which node's JSON access log holds each request id (nginx's $request_id, which the
        app logs and sends back as X-Request-ID)."""
        wanted: set[str] = set(request_ids)
        found: dict[str, str] = {}
        deadline = time.monotonic() + 5  # a node writes its access line as the response ends
        while True:
            for name in ("node1", "node2"):
                for line in self.processes[name].log_lines():
                    if line.get("logger") == "tekser.access" and line.get("request_id") in wanted:
                        found[line["request_id"]] = name
            if wanted <= found.keys() or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def node_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.node_ports[index]}"

    def start_node(self, index: int, wait: bool = True) -> Process:
        bind = f"127.0.0.1:{self.node_ports[index]}"
        process = self._unit("tekser-web.service", f"node{index + 1}", WEB_BIND=bind)
        if wait:
            wait_for(self.node_url(index) + "/readyz", process)
        return process

    def start_worker(self) -> Process:
        return self._unit("tekser-worker.service", "worker")

    def start_scheduler(self) -> Process:
        return self._unit("tekser-scheduler.service", "scheduler")

    def start_nginx(self, wait: bool = True) -> Process:
        """Debian's nginx, not as a daemon, with its own prefix: a main file (what Debian's
        /etc/nginx/nginx.conf is in production) around the rendered site file."""
        root = self.folder / "nginx"
        for sub in ("tekser.d", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        # As root, nginx's workers would be "nobody", who cannot read the test's private folder.
        user = "user root;" if os.geteuid() == 0 else ""
        temp = root / "tmp"
        (root / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    {mime}
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.deploy}/nginx/tekser.conf;
}}
"""
        )
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        argv = [
            binary,
            "-p",
            str(root),
            "-c",
            str(root / "nginx.conf"),
            "-e",
            str(root / "error.log"),
        ]
        env = {"PATH": "/usr/sbin:/usr/bin:/bin", "TMPDIR": str(root / "tmp")}
        process = Process("nginx", argv, env, root, self.folder / "nginx.log", signal.SIGQUIT)
        self.processes["nginx"] = process.start()
        if wait:
            wait_for(self.base + "/healthz", process)
        return process

    def start(self) -> None:
        self.flask("db", "upgrade")
        self.flask("demo", "load")
        # Everything at once (each process imports the app: seconds of CPU), then wait.
        nodes = [self.start_node(index, wait=False) for index in (0, 1)]
        self.start_worker()
        self.start_scheduler()
        nginx = self.start_nginx(wait=False)
        for index, node in enumerate(nodes):
            wait_for(self.node_url(index) + "/readyz", node)
        wait_for(self.base + "/readyz", nginx)

    def stop(self) -> None:
        """Every service asked at once (each one finishes its work in hand), then ended."""
        for process in self.processes.values():
            process.ask_to_stop()
        for process in reversed(list(self.processes.values())):
            process.stop()

    def logs(self) -> str:
        """Every service's log, for a failing test's report."""
        return "\n".join(
            f"--- {p.name}\n{p.log.read_text(errors='replace')[-4000:]}"
            for p in self.processes.values()
            if p.log.exists()
        )


def wait_for(url: str, process: Process, seconds: float = 60) -> None:
    """Until ``url`` answers 200 (the process must stay alive meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if not process.alive:
            raise RuntimeError(f"{process.name} exited:\n{process.log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready:\n{process.log.read_text()[-4000:]}")
        time.sleep(0.2)
