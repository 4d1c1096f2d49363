"""Section 3 of bench/video.py: 64 clients streaming the low rendition at once, from the app
under gunicorn, from nginx as a static file, and from nginx after the app's access check
(``X-Accel-Redirect``); each server's CPU seconds per GB and its peak memory."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.infra import ROOT, Stack, check_local, cpu_seconds, free_port, say, tree
from bench.run import app_env, signing_key
from bench.targets import USER_AGENT

STUDENT = "student@demo.tekser.kz"  # flask demo load's Kazakh student, enrolled in the course


def _low_rendition(env: dict) -> tuple[str, str, int]:
    """(the app's URL path of module 1's Kazakh low rendition, its storage key, its size)."""
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        course, module, key, size = conn.execute(
            "SELECT c.slug, m.slug, r.key, r.size FROM video_rendition r"
            " JOIN video v ON v.id = r.video_id AND v.sha256 = r.sha256"
            " JOIN module m ON m.id = v.module_id JOIN course c ON c.id = m.course_id"
            " WHERE r.kind = 'low' AND v.language = 'kk' ORDER BY m.position LIMIT 1"
        ).fetchone()
    return f"/courses/{course}/modules/{module}/media/kk/low", key, size


def _cookie(env: dict) -> str:
    """A signed-in session of the demo student, made in a child process with the app's own
    session interface (bench/seed.py's login_cookie)."""
    code = (
        "from app import create_app; from app.auth import services; from app.extensions import db;"
        "from bench.seed import login_cookie; app = create_app();\n"
        "with app.app_context():\n"
        f"    cookie = login_cookie(app, services.find_by_email({STUDENT!r}))\n"
        "    db.session.commit()\n"
        "print(cookie)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def _nginx(stack: Stack, store: Path, app_port: int) -> tuple[int, subprocess.Popen]:
    """Debian's nginx, not a daemon, in a temporary prefix: ``/files/`` is the storage folder
    as static files; everything else goes to the app, whose ``X-Accel-Redirect: /protected/``
    answers nginx sends from the same folder (as deploy/nginx/tekser.conf does)."""
    root = stack.tmp / "nginx"
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = root / "tmp"
    (root / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /files/ {{ alias {store}/; }}
        location /protected/ {{ internal; alias {store}/; }}
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    stack.procs["nginx"] = process
    deadline = time.monotonic() + 20
    while not (root / "nginx.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    return port, process


WRK_LINE = re.compile(r"^\s*(Requests/sec|Transfer/sec):\s+([\d.]+)(\w*)", re.M)
UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def _load(url: str, cookie: str | None, clients: int, seconds: float, server: int) -> dict:
    """wrk with ``clients`` connections on ``url`` for ``seconds``; the server's CPU seconds
    (its process tree) and the peak of its resident memory over the run."""
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: tekser_session={cookie}"]
    command = ["wrk", "--threads", "2", "--connections", str(clients), "--duration",
               f"{round(seconds)}s", "--timeout", "30s", *headers, check_local(url)]  # fmt: skip
    cpu_before = cpu_seconds(server)
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while wrk.poll() is None:
        peak = max(peak, sum(_rss(pid) for pid in tree(server)))
        time.sleep(0.25)
    out = wrk.communicate()[0]
    cpu = cpu_seconds(server) - cpu_before
    found = {name: float(value) * UNITS.get(unit, 1) for name, value, unit in WRK_LINE.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    transferred = found.get("Transfer/sec", 0) * seconds
    return {
        "requests_per_s": round(found.get("Requests/sec", 0), 1),
        "mb_per_s": round(found.get("Transfer/sec", 0) / 1e6, 1),
        "server_cpu_s": round(cpu, 2),
        "cpu_s_per_gb": round(cpu / (transferred / 1e9), 2) if transferred else None,
        "server_peak_rss_mib": round(peak, 1),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _rss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def serving(stack: Stack, course_env: dict, clients: int, seconds: float) -> dict:
    path, key, size = _low_rendition(course_env)
    store = Path(course_env["UPLOAD_DIR"])
    names = ("UPLOAD_DIR", "MEDIA_WORK_DIR", "COURSES_DIR", "TEKSER_INSTANCE_DIR", "QUEUE_URL")
    keep = {name: course_env[name] for name in names}
    env = app_env(course_env["DATABASE_URL"], secrets.token_urlsafe(48), stack.tmp)
    env.update(keep)
    env.update(signing_key(env))
    env["TRUSTED_HOSTS"] = "localhost,127.0.0.1"
    cookie = _cookie({**env, "FLASK_APP": "app:create_app"})
    say(f"serving the low rendition ({size / 1000:.0f} KB) to {clients} clients at once...")
    results: dict = {"file_kb": round(size / 1000, 1), "clients": clients, "seconds": seconds}
    base, app_pid = stack.start_gunicorn("app", "app:create_app()", env, workers=2)
    direct = _load(base + path, cookie, clients, seconds, app_pid)
    results["app (gunicorn, 2 sync workers)"] = direct
    stack.stop("app")
    accel_env = {**env, "STORAGE_ACCEL_REDIRECT": "/protected/"}
    base, app_pid = stack.start_gunicorn("app-accel", "app:create_app()", accel_env, workers=2)
    port = int(base.rsplit(":", 1)[1])
    nginx_port, nginx = _nginx(stack, store, port)
    front = f"http://127.0.0.1:{nginx_port}"
    results["nginx static file"] = _load(front + "/files/" + key, None, clients, seconds, nginx.pid)
    both = _load(front + path, cookie, clients, seconds, nginx.pid)
    # The app's share: its own process tree, over the same run (measured again around a second
    # run, since the first one's reading of nginx already spans it).
    app_before = cpu_seconds(app_pid)
    again = _load(front + path, cookie, clients, seconds, nginx.pid)
    both["app_cpu_s"] = round(cpu_seconds(app_pid) - app_before, 2)
    both["app_peak_rss_mib"] = round(sum(_rss(pid) for pid in tree(app_pid)), 1)
    both["second_run_requests_per_s"] = again["requests_per_s"]
    results["nginx after the app's check (X-Accel-Redirect)"] = both
    return results
