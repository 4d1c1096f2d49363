"""What the benchmark starts, and how it is stopped again: PostgreSQL, gunicorn, wrk.

Everything started here is registered in ``Stack``; ``Stack.close()`` (called from ``finally``,
also on Ctrl-C and SIGTERM) stops each by its own process id or process group, never by name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """wrk from Debian, installed when missing (waits for another apt to finish)."""
    found = shutil.which("wrk")
    if found:
        return found
    say("installing wrk (Debian package)...")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = [*sudo, "apt-get", "-o", "DPkg::Lock::Timeout=300", "-qq"]
    subprocess.run([*apt, "update"], check=True, env=env, timeout=600)
    subprocess.run([*apt, "install", "-y", "wrk"], check=True, env=env, timeout=600)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_local(url: str) -> str:
    """Every request the benchmark makes goes to loopback; anything else is a bug."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"refusing a non-loopback target: {url}")
    return url


class Stack:
    """The processes and folders of one benchmark run."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="tekser-bench."))
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_dir: Path | None = None
        self.pg_url: str | None = None

    # -- PostgreSQL -------------------------------------------------------------------------
    def start_postgres(self) -> str:
        # Its own folder under /tmp: the postgres user cannot enter our private one.
        self.pg_dir = Path(tempfile.mkdtemp(prefix="tekser-bench-pg."))
        say("starting PostgreSQL on loopback (scripts/postgres.sh)...")
        out = subprocess.run(
            ["bash", str(ROOT / "scripts/postgres.sh"), "start", str(self.pg_dir)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode:
            raise RuntimeError(f"PostgreSQL did not start:\n{out.stderr[-2000:]}")
        self.pg_url = out.stdout.strip().splitlines()[-1]
        return self.pg_url

    def postmaster_pid(self) -> int | None:
        pidfile = self.pg_dir / "data" / "postmaster.pid" if self.pg_dir else None
        if pidfile and pidfile.exists():
            return int(pidfile.read_text().split()[0])
        return None

    def create_database(self, name: str) -> str:
        import psycopg

        base = self.pg_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.pg_url.rsplit("/", 1)[0] + "/" + name

    # -- servers ----------------------------------------------------------------------------
    def start_gunicorn(
        self,
        name: str,
        target: str,
        env: dict[str, str],
        *,
        workers: int,
        timeout: int = 120,
        worker_class: str = "sync",
        options: tuple[str, ...] = (),
    ) -> tuple[str, int]:
        """gunicorn (sync workers, or gthread with 4 threads each) on a free loopback port, with
        ``options`` (e.g. the deployment's config file); returns (base URL, master pid)."""
        threads = ["--threads", "4"] if worker_class == "gthread" else []
        port = free_port()
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--worker-class",
                worker_class,
                *threads,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                str(timeout),
                "--backlog",
                "2048",
                *options,
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[name] = proc
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/", proc, self.tmp / f"{name}.log")
        wait_workers(proc.pid, workers)
        return base, proc.pid

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # gunicorn's own group (start_new_session)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        if self.pg_dir is not None:
            say("stopping PostgreSQL")
            subprocess.run(
                ["bash", str(ROOT / "scripts/postgres.sh"), "stop", str(self.pg_dir)],
                check=False,
                capture_output=True,
                timeout=120,
            )
            shutil.rmtree(self.pg_dir, ignore_errors=True)
            self.pg_dir = None
        shutil.rmtree(self.tmp, ignore_errors=True)


def wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(check_local(url), timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {seconds}s:\n{log.read_text()[-3000:]}")


def wait_workers(master: int, workers: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(children(master)) < workers:
        time.sleep(0.1)


# -- /proc --------------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from 3 (state) on


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(children(current))
    return pids


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its living descendants."""
    total = 0
    for each in tree(pid):
        fields = _stat(each)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLK_TCK


def pss_mib(pid: int) -> float:
    """Proportional set size: the pages a process shares (a preloading master's with its
    workers) divided among the processes sharing them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak(pid: int) -> None:
    """Reset VmHWM (peak RSS) so a later reading is the peak of what follows."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")
